/**
 * Property: whatever the batch sizes, caps, upload failures and restarts, every committed event ends
 * up in the archive exactly once, in the partition of its tier and ts (real SQLite store, real folder
 * target; failures injected around it; objects read back with hyparquet).
 */
import fc from 'fast-check';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ArchiveState } from '../../src/archive/archive-state.js';
import { Archiver } from '../../src/archive/archiver.js';
import { pickCodec } from '../../src/archive/compression.js';
import { FileTarget } from '../../src/archive/file-target.js';
import { parseKey, partitionOf } from '../../src/archive/key-layout.js';
import type { ObjectTarget } from '../../src/archive/object-target.js';
import { readRowFacts } from '../../src/archive/parquet-reader.js';
import { systemClock } from '../../src/core/clock.js';
import { TIERS, type EventDraft } from '../../src/core/event.js';
import { silentLogger } from '../../src/core/log.js';
import { openSqlite } from '../../src/runtime/node/sqlite.js';
import { SqliteEventLog } from '../../src/store/sqlite/sqlite-event-log.js';
import { tempDir } from '../helpers/config.js';

/** The real folder target; `failing()` says whether the next upload fails. */
function flaky(inner: FileTarget, failing: () => boolean): ObjectTarget {
  return {
    uri: inner.uri,
    check: () => inner.check(),
    put: async (k, b) => {
      if (failing()) throw new Error('injected upload failure');
      return inner.put(k, b);
    },
    get: (k) => inner.get(k),
    list: (p) => inner.list(p),
    delete: (k) => inner.delete(k),
    close: () => {},
  };
}

const HOUR = 3_600_000;
const step = fc.record({
  events: fc.array(fc.record({ tier: fc.constantFrom(...TIERS), hoursBack: fc.integer({ min: 0, max: 5 }) }), { minLength: 0, maxLength: 40 }),
  flushes: fc.integer({ min: 0, max: 3 }),
  restart: fc.boolean(),
});

describe('archiver property', () => {
  it('archives every event exactly once across failures and restarts', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 6 }), fc.integer({ min: 3, max: 50 }), fc.array(fc.boolean(), { minLength: 1, maxLength: 12 }), async (steps, maxRows, failPattern) => {
        const dir = tempDir(`auren-prop-${run++}-`);
        const db = openSqlite(join(dir, 'auren.db'));
        const log = new SqliteEventLog({ db, clock: systemClock, dedupWindowMs: 600_000 });
        const real = new FileTarget(join(dir, 'archive'));
        await real.check();
        let puts = 0;
        const target = flaky(real, () => failPattern[puts++ % failPattern.length]);
        const make = () => new Archiver({ log, target, clock: systemClock, logger: silentLogger, codec: pickCodec({}), flushMs: 1, maxRows, state: new ArchiveState(db, real.uri) });
        let archiver = make();
        const base = Date.UTC(2025, 3, 1, 10, 30);
        let n = 0;
        for (const s of steps) {
          const drafts: EventDraft[] = s.events.map((e) => ({
            id: `e${++n}`, ts: base - e.hoursBack * HOUR, received_at: base, project: 'p', tier: e.tier, type: 'agent.step',
          }));
          if (drafts.length) log.appendSync(drafts);
          for (let i = 0; i < s.flushes; i++) await archiver.flushOnce();
          if (s.restart) archiver = make();
        }
        // The store comes back for good: drain.
        const good = new Archiver({ log, target: real, clock: systemClock, logger: silentLogger, codec: pickCodec({}), flushMs: 1, maxRows, state: new ArchiveState(db, real.uri) });
        while (good.backlog() > 0) expect(await good.flushOnce()).toBe(true);

        const seqs: number[] = [];
        for await (const o of real.list('')) {
          const k = parseKey(o.key)!;
          for (const row of await readRowFacts(await real.get(o.key))) {
            seqs.push(row.seq);
            expect(row.tier).toBe(k.tier);
            expect(partitionOf(k.tier, row.ts).hourStart).toBe(k.hourStart);
          }
        }
        db.close();
        expect(seqs.sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
      }),
      { numRuns: 25 },
    );
  });
});
