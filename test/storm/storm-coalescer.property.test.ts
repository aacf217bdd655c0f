import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StoredEvent, Tier } from '../../src/core/event.js';
import { ev, recorded, T0 } from './helpers.js';

const WINDOWS: Record<Tier, number> = { critical: 300, operational: 500, analytical: 1000 };
const AGENTS = ['a', 'b', 'c'];
const MESSAGES = ['refused', 'timeout'];
const TIER_OF = ['critical', 'operational', 'analytical'] as const;

/** One arrival: which fingerprint (agent × message × tier), how long after the previous one, and noise. */
// Biased towards one fingerprint and short gaps, so storms (many repeats per window) are common.
const often0 = (max: number) => fc.oneof(fc.constant(0), fc.nat(max));
const arrival = fc.record({
  agent: often0(AGENTS.length - 1),
  message: often0(MESSAGES.length - 1),
  tier: often0(2),
  gap: fc.oneof(fc.constant(0), fc.nat(20), fc.nat(300), fc.nat(2500)),
  /** How many copies arrive in this commit (a looping agent). */
  copies: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 40 })),
  requestId: fc.string({ maxLength: 4 }),
  batch: fc.nat(3),
});

const fingerprintOf = (e: StoredEvent) => `${e.tier}/${e.agent_id}/${e.data_json?.includes('refused') ? 'refused' : 'timeout'}`;

describe('StormCoalescer properties', () => {
  it('for any interleaving, delivered + coalesced equals ingested per fingerprint, and the window rules hold', () => {
    fc.assert(
      fc.property(fc.array(arrival, { maxLength: 200 }), fc.constantFrom([1, 1], [2, 3], [1000, 1000]), (arrivals, [maxRuns, maxRecent]) => {
        // Tiny caps too: forgetting and early summaries must never lose or double-count an event.
        const r = recorded({ windows: WINDOWS, maxRuns, maxRecent });
        const ingested = new Map<string, number>();
        const delivered = new Map<string, number>();
        const lastSeen = new Map<string, number>();
        const arrivedAt = new Map<number, number>();
        const bump = (m: Map<string, number>, k: string, n = 1) => m.set(k, (m.get(k) ?? 0) + n);
        let t = T0;
        for (const a of arrivals) {
          t += a.gap;
          r.clock.t = t;
          if (a.batch === 0) r.c.tick(t); // timers fire between commits, or run late
          const tier = TIER_OF[a.tier];
          for (let k = 0; k < a.copies; k++) {
            const e = ev({ tier, agent_id: AGENTS[a.agent], data: { message: MESSAGES[a.message], request_id: `${a.requestId}${k}` } });
            const fp = fingerprintOf(e);
            arrivedAt.set(e.seq, t);
            bump(ingested, fp);
            const previous = lastSeen.get(fp);
            lastSeen.set(fp, t);
            if (r.c.admit(e, t)) bump(delivered, fp);
            // Unseen for two windows (one to end the run, one for a storm's last window): never held.
            else expect(previous !== undefined && t - previous < 2 * WINDOWS[tier]).toBe(true);
          }
        }
        r.clock.t = t + 10_000;
        r.c.tick(r.clock.t);
        r.c.tick(r.clock.t + 10_000);

        const coalesced = new Map<string, number>();
        const previous = new Map<string, StoredEvent>();
        for (const s of r.summaries) {
          const fp = fingerprintOf(s.e);
          bump(coalesced, fp, s.wire.repeat_count as number);
          // The summary is its last held event: the wire carries that event's own seq and id.
          expect(s.wire.seq).toBe(s.e.seq);
          expect(s.wire.id).toBe(s.e.id);
          expect(s.wire.repeat_count as number).toBeGreaterThan(0);
          // It stands for one window's repeats: they arrived less than a window apart, after the last summary's.
          const first = arrivedAt.get(s.wire.first_seq as number)!;
          expect(arrivedAt.get(s.e.seq)! - first).toBeLessThan(WINDOWS[s.e.tier]);
          const prev = previous.get(fp);
          if (prev) expect(first).toBeGreaterThanOrEqual(arrivedAt.get(prev.seq)!);
          previous.set(fp, s.e);
        }
        for (const [fp, n] of ingested) expect((delivered.get(fp) ?? 0) + (coalesced.get(fp) ?? 0)).toBe(n);
        expect(r.c.heldFloor()).toBeUndefined();
        expect(r.c.heldBytes()).toBe(0);
        r.c.stop();
      }),
      { numRuns: 400 },
    );
  });

  it('while runs hold repeats, the floor is the lowest held seq', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ agent: fc.nat(5), gap: fc.nat(400) }), { maxLength: 200 }), (arrivals) => {
        const r = recorded();
        const held = new Map<number, StoredEvent>();
        let t = T0;
        for (const a of arrivals) {
          t += a.gap;
          r.clock.t = t;
          r.c.tick(t);
          for (const s of r.summaries.splice(0)) {
            for (const [seq, e] of held) if (e.agent_id === s.e.agent_id && seq <= s.e.seq) held.delete(seq);
          }
          const e = ev({ agent_id: `agent-${a.agent}` });
          if (!r.c.admit(e, t)) held.set(e.seq, e);
          for (const s of r.summaries.splice(0)) {
            for (const [seq, h] of held) if (h.agent_id === s.e.agent_id && seq <= s.e.seq) held.delete(seq);
          }
          expect(r.c.heldFloor()).toBe(held.size ? Math.min(...held.keys()) : undefined);
        }
        r.c.stop();
      }),
      { numRuns: 300 },
    );
  });
});
