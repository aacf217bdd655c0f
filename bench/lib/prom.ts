/** Reading Prometheus text from Auren's /metrics: counters, gauges and histogram quantiles. */

export type Buckets = Map<number, number>;

export async function scrape(url: string): Promise<string> {
  return (await fetch(url + '/metrics')).text();
}

/** Cumulative bucket counts (le → count) of a histogram, summed over its label sets. */
export function buckets(text: string, name: string): Buckets {
  const out: Buckets = new Map();
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}_bucket{`)) continue;
    const le = /le="([^"]+)"/.exec(line)?.[1];
    if (le === undefined) continue;
    const bound = le === '+Inf' ? Infinity : Number(le);
    out.set(bound, (out.get(bound) ?? 0) + Number(line.split(' ').at(-1)));
  }
  return out;
}

/**
 * The q-quantile of the observations made between two scrapes, as the upper bound of the bucket it
 * falls in (histograms only know buckets); undefined without observations.
 */
export function quantileBetween(before: Buckets, after: Buckets, q: number): number | undefined {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const total = (after.get(Infinity) ?? 0) - (before.get(Infinity) ?? 0);
  if (total <= 0) return undefined;
  for (const b of bounds) if ((after.get(b) ?? 0) - (before.get(b) ?? 0) >= q * total) return b;
  return Infinity;
}
