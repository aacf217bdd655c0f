import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FeedStore } from '../../src/web/client/lib/feed-store.js';
import type { Tier, WireEvent } from '../../src/web/client/lib/types.js';

const ev = (seq: number, tier: Tier = 'operational', extra: Partial<WireEvent> = {}): WireEvent => ({ seq, id: `e${seq}`, ts: new Date(seq).toISOString(), tier, type: 'agent.step', ...extra });

describe('FeedStore', () => {
  it('shows newest first and drops replayed duplicates by seq', () => {
    const s = new FeedStore(100);
    expect(s.add([ev(1), ev(2), ev(3)])).toBe(3);
    expect(s.add([ev(2), ev(3), ev(4)])).toBe(1);
    expect(s.duplicates).toBe(2);
    expect(s.newest(0)!.seq).toBe(4);
    expect(s.newest(3)!.seq).toBe(1);
  });

  it('orders by seq whatever the arrival order (critical overtakes batches; resumes replay)', () => {
    const s = new FeedStore(100);
    s.add([ev(7, 'critical')]);
    s.add([ev(5), ev(6), ev(8)]);
    s.add([ev(3), ev(4)]);
    const order: number[] = [];
    for (let i = 0; i < s.visibleCount; i++) order.push(s.newest(i)!.seq);
    expect(order).toEqual([8, 7, 6, 5, 4, 3]);
    const e6 = s.newest(2)!;
    expect(s.positionOf(e6)).toBe(2);
    s.add([ev(9), ev(10)]);
    expect(s.positionOf(e6)).toBe(4);
    expect(s.positionOf(ev(6))).toBe(-1);
  });

  it('keeps storm summaries even when they share a seq', () => {
    const s = new FeedStore(100);
    s.add([ev(5)]);
    expect(s.add([ev(5, 'operational', { repeat_count: 40 })])).toBe(1);
    expect(s.size).toBe(2);
  });

  it('filters, and rebuilds the view when the filter changes', () => {
    const s = new FeedStore(100);
    s.setFilter((e) => e.tier === 'critical');
    expect(s.add([ev(1, 'critical'), ev(2), ev(3, 'critical')])).toBe(2);
    expect(s.visibleCount).toBe(2);
    s.setFilter(() => true);
    expect(s.visibleCount).toBe(3);
  });

  it('stays within cap + cap/10 and shows the newest kept events, filtered, once each (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 1, max: 50 }), fc.boolean()), { maxLength: 60 }), fc.integer({ min: 10, max: 60 }), (batches, cap) => {
        const s = new FeedStore(cap);
        s.setFilter((e) => e.seq % 3 !== 0);
        let seq = 0;
        const all: number[] = [];
        for (const [n, replay] of batches) {
          const batch: WireEvent[] = [];
          // A replay resends the last few seqs before new ones.
          if (replay) for (let k = Math.max(1, seq - 3); k <= seq; k++) batch.push(ev(k));
          for (let k = 0; k < n; k++) {
            batch.push(ev(++seq));
            all.push(seq);
          }
          s.add(batch);
          expect(s.size).toBeLessThanOrEqual(cap + Math.floor(cap / 10));
        }
        // The newest kept events, filtered, newest first, no duplicates.
        const kept = all.slice(all.length - s.size).filter((x) => x % 3 !== 0).reverse();
        const shown: number[] = [];
        for (let i = 0; i < s.visibleCount; i++) shown.push(s.newest(i)!.seq);
        expect(shown).toEqual(kept);
      }),
    );
  });
});
