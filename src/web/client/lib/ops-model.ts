/**
 * What the ops panel shows, derived from two /metrics scrapes: rates from counter deltas, latency
 * quantiles from histogram bucket deltas, and current gauges.
 */
import { bucketsOf, deltaBuckets, quantile } from './histogram.js';
import { labelValues, sum, type Scrape } from './prom-text.js';
import { TIERS } from './types.js';

export interface LatencyRow {
  name: string;
  tier?: string;
  p50?: number;
  p99?: number;
  count: number;
}

export interface OpsView {
  ingestPerSec: Record<string, number>;
  ingestTotalPerSec: number;
  deliveredPerSec: number;
  droppedPerSec: number;
  droppedTotal: number;
  droppedByReason: Record<string, number>;
  rejectedTotal: number;
  clients: Record<string, number>;
  latencies: LatencyRow[];
  lastSeq?: number;
  memoryBytes?: number;
  /** Event-loop delay p99 (seconds): how long the server could not run anything else. */
  eventLoopP99?: number;
  http5xxTotal: number;
}

/** Per-second rate of a counter between scrapes (0 on the first scrape or after a restart). */
function rate(cur: Scrape, prev: Scrape | undefined, dt: number, name: string, match: Record<string, string> = {}): number {
  if (!prev || dt <= 0) return 0;
  const d = sum(cur, name, match) - sum(prev, name, match);
  return d > 0 ? d / dt : 0;
}

function gaugeOf(s: Scrape, name: string): number | undefined {
  return s.samples.has(name) ? sum(s, name) : undefined;
}

/** Every histogram whose name says latency or seconds, split by tier when it has one. */
function latencies(cur: Scrape, prev: Scrape | undefined): LatencyRow[] {
  const rows: LatencyRow[] = [];
  for (const [family, type] of cur.types) {
    if (type !== 'histogram' || !/latency|commit/.test(family) || family.startsWith('auren_process_')) continue;
    const tiers = labelValues(cur, `${family}_bucket`, 'tier');
    const groups: (string | undefined)[] = tiers.length ? TIERS.filter((t) => tiers.includes(t)) : [undefined];
    for (const tier of groups) {
      const match: Record<string, string> = tier ? { tier } : {};
      const b = bucketsOf(cur, family, match);
      if (!b) continue;
      const p = prev && bucketsOf(prev, family, match);
      const d = deltaBuckets(b, p);
      rows.push({ name: family, tier, p50: quantile(d, 0.5), p99: quantile(d, 0.99), count: d.counts[d.counts.length - 1] });
    }
  }
  return rows;
}

export function opsView(cur: Scrape, prev: Scrape | undefined, dtSeconds: number): OpsView {
  const ingestPerSec: Record<string, number> = {};
  for (const t of TIERS) ingestPerSec[t] = rate(cur, prev, dtSeconds, 'auren_events_ingested_total', { tier: t });
  const clients: Record<string, number> = {};
  for (const s of cur.samples.get('auren_stream_clients') ?? []) clients[s.labels.transport ?? 'all'] = s.value;
  const droppedByReason: Record<string, number> = {};
  for (const r of labelValues(cur, 'auren_events_dropped_total', 'reason')) droppedByReason[r] = sum(cur, 'auren_events_dropped_total', { reason: r });
  let http5xxTotal = 0;
  for (const s of cur.samples.get('auren_http_requests_total') ?? []) if (s.labels.status?.startsWith('5')) http5xxTotal += s.value;
  return {
    ingestPerSec,
    ingestTotalPerSec: Object.values(ingestPerSec).reduce((a, b) => a + b, 0),
    deliveredPerSec: rate(cur, prev, dtSeconds, 'auren_events_delivered_total'),
    droppedPerSec: rate(cur, prev, dtSeconds, 'auren_events_dropped_total'),
    droppedTotal: sum(cur, 'auren_events_dropped_total'),
    droppedByReason,
    rejectedTotal: sum(cur, 'auren_events_rejected_total'),
    clients,
    latencies: latencies(cur, prev),
    lastSeq: gaugeOf(cur, 'auren_store_last_seq'),
    memoryBytes: gaugeOf(cur, 'auren_process_process_resident_memory_bytes') ?? gaugeOf(cur, 'auren_process_resident_memory_bytes'),
    eventLoopP99: gaugeOf(cur, 'auren_process_nodejs_eventloop_lag_p99_seconds'),
    http5xxTotal,
  };
}
