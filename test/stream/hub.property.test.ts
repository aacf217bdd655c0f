/**
 * Invariants of the hub under any mix of batches, tiers and filters: every matching event is delivered
 * exactly once, seq only grows within a tier, frames respect the tier caps, and each frame's `resume`
 * is a safe point (nothing matching at or below it is still to come).
 */
import fc from 'fast-check';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Classifier } from '../../src/classify/tier-rules.js';
import { silentLogger } from '../../src/core/log.js';
import type { EventDraft } from '../../src/core/event.js';
import { nodeRuntime } from '../../src/runtime/node/server.js';
import type { SocketSink } from '../../src/runtime/types.js';
import { SqliteEventLog } from '../../src/store/sqlite/sqlite-event-log.js';
import { Hub } from '../../src/stream/hub.js';
import { Metrics } from '../../src/telemetry/metrics.js';
import { tempDir } from '../helpers/config.js';

/** A socket that always has room, recording each frame it is given. */
function recordingSink(frames: Record<string, unknown>[]): SocketSink {
  return { textMode: 'string', send: (d) => (frames.push(JSON.parse(String(d))), true), buffered: () => 0, close() {} };
}

const TYPES = ['agent.step', 'llm.call', 'tool.error', 'memory.formed', 'metric.cpu', 'system.alert'];
const classifier = new Classifier();

describe('hub invariants (property)', () => {
  it('delivers every matching event exactly once, in seq order per tier, within batch caps', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.record({ type: fc.constantFrom(...TYPES), agent: fc.constantFrom('a', 'b', 'c') }), { minLength: 1, maxLength: 120 }), { minLength: 1, maxLength: 8 }),
        fc.constantFrom('', 'a', 'b'),
        async (batches, agentFilter) => {
          const db = nodeRuntime.openSqlite(join(tempDir(), 'p.db'));
          let now = Date.UTC(2026, 10, 26);
          const clock = { now: () => now };
          const log = new SqliteEventLog({ db, clock, dedupWindowMs: 60_000 });
          const hub = new Hub({
            log, clock, metrics: new Metrics(), logger: silentLogger,
            batch: { operational: { intervalMs: 100, maxEvents: 50 }, analytical: { intervalMs: 500, maxEvents: 200 } },
            limits: { framesPerSecond: 1e9, bytesPerSecond: 1e12, bufferBytes: 1 << 30, maxPendingEvents: 10_000 },
            maxClients: 100, heartbeatMs: 60_000,
          });
          const all: Record<string, unknown>[] = [];
          const filtered: Record<string, unknown>[] = [];
          hub.connect('ws', recordingSink(all), {});
          hub.connect('ws', recordingSink(filtered), agentFilter ? { agents: [agentFilter] } : {});
          let n = 0;
          for (const b of batches) {
            const drafts: EventDraft[] = b.map((x) => ({ id: `e${n++}`, ts: now, received_at: now, project: 'p', type: x.type, agent_id: x.agent, tier: classifier.classify(x.type, undefined, undefined) }));
            await log.append(drafts);
            now += 10;
          }
          hub.flush('operational');
          hub.flush('analytical');
          const stored = await log.read(0, 100_000);
          for (const [frames, want] of [[all, stored], [filtered, stored.filter((e) => !agentFilter || e.agent_id === agentFilter)]] as const) {
            const evFrames = frames.filter((f) => f.type === 'events') as { tier: string; resume: number; events: { seq: number; tier: string }[] }[];
            const seqs = evFrames.flatMap((f) => f.events.map((e) => e.seq));
            expect(seqs.slice().sort((a, b) => a - b)).toEqual(want.map((e) => e.seq));
            for (const f of evFrames) {
              const cap = f.tier === 'critical' ? 1 : f.tier === 'operational' ? 50 : 200;
              expect(f.events.length).toBeLessThanOrEqual(cap);
              expect(f.events.every((e) => e.tier === f.tier)).toBe(true);
            }
            // `resume` is safe: every matching event at or below it went out in this frame or before.
            const seen = new Set<number>();
            for (const f of evFrames) {
              for (const e of f.events) seen.add(e.seq);
              expect(want.filter((e) => e.seq <= f.resume && !seen.has(e.seq)).map((e) => e.seq)).toEqual([]);
            }
            for (const tier of ['critical', 'operational', 'analytical']) {
              const t = evFrames.filter((f) => f.tier === tier).flatMap((f) => f.events.map((e) => e.seq));
              expect(t).toEqual(t.slice().sort((a, b) => a - b));
            }
          }
          await hub.close();
          db.close();
        },
      ),
      { numRuns: 40 },
    );
  });
});
