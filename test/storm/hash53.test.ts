import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Hash53, hash53 } from '../../src/storm/hash53.js';

describe('Hash53', () => {
  it('depends only on the characters, not on where the stream is cut', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), fc.array(fc.nat(60), { maxLength: 6 }), (s, cuts) => {
        const points = [...new Set(cuts.map((c) => Math.min(c, s.length)))].sort((a, b) => a - b);
        const h = new Hash53().reset(0);
        let from = 0;
        for (const p of [...points, s.length]) {
          h.add(s, from, p);
          from = p;
        }
        expect(h.digest()).toBe(hash53(s));
      }),
      { numRuns: 2000 },
    );
  });

  it('tells apart strings that differ by a trailing NUL, by order, or by seed', () => {
    expect(hash53('ab')).not.toBe(hash53('ab\u0000'));
    expect(hash53('ab')).not.toBe(hash53('ba'));
    expect(hash53('')).not.toBe(hash53('\u0000'));
    expect(hash53('x', 0)).not.toBe(hash53('x', 1));
    const seen = new Set<number>();
    for (let i = 0; i < 100_000; i++) seen.add(hash53(`{"n":${i}}`));
    expect(seen.size).toBe(100_000);
  });
});
