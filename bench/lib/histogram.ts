/**
 * A log-bucketed latency histogram (1% resolution from 10 µs to minutes): constant memory however
 * many samples, and mergeable across client processes, which send it as a sparse object.
 */
const MIN_MS = 0.01;
const GROWTH = Math.log(1.01);

export type SparseHistogram = Record<string, number>;

export class Histogram {
  readonly counts = new Map<number, number>();
  count = 0;
  max = 0;

  record(ms: number): void {
    const i = ms <= MIN_MS ? 0 : Math.ceil(Math.log(ms / MIN_MS) / GROWTH);
    this.counts.set(i, (this.counts.get(i) ?? 0) + 1);
    this.count++;
    if (ms > this.max) this.max = ms;
  }

  merge(h: SparseHistogram | Histogram): this {
    const entries = h instanceof Histogram ? [...h.counts] : Object.entries(h).map(([k, v]) => [Number(k), v] as const);
    for (const [i, n] of entries) {
      this.counts.set(i, (this.counts.get(i) ?? 0) + n);
      this.count += n;
      const v = MIN_MS * Math.exp(i * GROWTH);
      if (v > this.max) this.max = v;
    }
    return this;
  }

  /** The q-quantile (0..1) in ms, or undefined without samples. */
  quantile(q: number): number | undefined {
    if (this.count === 0) return undefined;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (const i of [...this.counts.keys()].sort((a, b) => a - b)) {
      seen += this.counts.get(i)!;
      if (seen >= rank) return Math.min(this.max, MIN_MS * Math.exp(i * GROWTH));
    }
    return this.max;
  }

  toJSON(): SparseHistogram {
    return Object.fromEntries(this.counts);
  }

  summary(): { n: number; p50?: number; p99?: number; p999?: number; max?: number } {
    return { n: this.count, p50: this.quantile(0.5), p99: this.quantile(0.99), p999: this.quantile(0.999), max: this.count ? this.max : undefined };
  }
}

/** Wall-clock milliseconds with sub-millisecond precision, comparable across processes on one host. */
export function wallMs(): number {
  return performance.timeOrigin + performance.now();
}
