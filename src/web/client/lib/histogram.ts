/** Quantiles from Prometheus histogram buckets, as histogram_quantile() computes them. */
import type { Scrape } from './prom-text.js';

export interface Buckets {
  /** Upper bounds ascending, the last one Infinity. */
  le: number[];
  /** Cumulative counts per bound. */
  counts: number[];
}

/** The buckets of histogram `name` for samples whose labels include `match`, summed over the rest. */
export function bucketsOf(s: Scrape, name: string, match: Record<string, string> = {}): Buckets | undefined {
  const byLe = new Map<number, number>();
  for (const x of s.samples.get(`${name}_bucket`) ?? []) {
    if (!Object.entries(match).every(([k, v]) => x.labels[k] === v)) continue;
    const le = x.labels.le === '+Inf' ? Infinity : Number(x.labels.le);
    byLe.set(le, (byLe.get(le) ?? 0) + x.value);
  }
  if (byLe.size === 0) return undefined;
  const le = [...byLe.keys()].sort((a, b) => a - b);
  return { le, counts: le.map((b) => byLe.get(b)!) };
}

/** cur − prev, bucket by bucket (what happened between two scrapes); cur when prev is missing or reset. */
export function deltaBuckets(cur: Buckets, prev: Buckets | undefined): Buckets {
  if (!prev || prev.le.length !== cur.le.length) return cur;
  const counts = cur.counts.map((c, i) => c - prev.counts[i]);
  return counts.some((c) => c < 0) ? cur : { le: cur.le, counts };
}

/** The q-quantile (0..1) by linear interpolation inside the bucket; undefined with no observations. */
export function quantile(b: Buckets, q: number): number | undefined {
  const total = b.counts[b.counts.length - 1];
  if (!total) return undefined;
  const rank = q * total;
  for (let i = 0; i < b.le.length; i++) {
    if (b.counts[i] >= rank) {
      const upper = b.le[i];
      const lower = i === 0 ? 0 : b.le[i - 1];
      // Past the last finite bound all we know is "more than" it.
      if (!Number.isFinite(upper)) return lower;
      const below = i === 0 ? 0 : b.counts[i - 1];
      const inBucket = b.counts[i] - below;
      return inBucket > 0 ? lower + (upper - lower) * ((rank - below) / inBucket) : upper;
    }
  }
  return b.le[b.le.length - 2];
}
