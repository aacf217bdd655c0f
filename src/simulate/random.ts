/** A small seeded PRNG (mulberry32) with the helpers the workload needs: same seed, same crew. */

export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  float(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.next() * list.length)];
  }

  /** Picks by weight: `[['a', 3], ['b', 1]]` gives a three times as often as b. */
  weighted<T>(list: readonly (readonly [T, number])[]): T {
    const total = list.reduce((a, [, w]) => a + w, 0);
    let r = this.next() * total;
    for (const [v, w] of list) {
      r -= w;
      if (r < 0) return v;
    }
    return list[list.length - 1][0];
  }

  /** A short hex id from the stream (deterministic for a seed). */
  hex(len = 8): string {
    let s = '';
    while (s.length < len) s += Math.floor(this.next() * 0x100000000).toString(16).padStart(8, '0');
    return s.slice(0, len);
  }

  /** Rounded to 2 decimals, clamped to [0, 1]: confidences. */
  confidence(mean: number, spread = 0.12): number {
    const v = mean + (this.next() + this.next() - 1) * spread;
    return Math.round(Math.min(0.99, Math.max(0.05, v)) * 100) / 100;
  }
}
