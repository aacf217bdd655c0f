/** Storm-control counters (plain numbers bumped on the hot path) and their Prometheus metrics. */
import type { Tier } from '../core/event.js';
import type { Metrics } from '../telemetry/metrics.js';

const perTier = (): Record<Tier, number> => ({ critical: 0, operational: 0, analytical: 0 });

export class StormStats {
  /** Storms in progress (runs past the storm threshold). */
  readonly active = perTier();
  /** Events held back from the live stream and carried by summaries instead. */
  readonly coalesced = perTier();
  readonly summaries = perTier();
  readonly evicted = { run_cap: 0, held_bytes_cap: 0 };
}

export interface StormMetricsSource {
  stats: StormStats;
  fingerprints(): number;
  forgotten(): number;
  heldBytes(): number;
  unannounced(): number;
}

export function registerStormMetrics(metrics: Metrics, src: StormMetricsSource): void {
  const s = src.stats;
  metrics.gauge('auren_storms_active', 'Event storms in progress, by tier', () => ({ ...s.active }), 'tier');
  metrics.counter('auren_storm_coalesced_events_total', 'Events held back from the live stream and sent as part of a summary, by tier', () => ({ ...s.coalesced }), 'tier');
  metrics.counter('auren_storm_summaries_total', 'Storm summary entries sent, by tier', () => ({ ...s.summaries }), 'tier');
  metrics.gauge('auren_storm_fingerprints', 'Fingerprints tracked by storm control', () => src.fingerprints());
  metrics.gauge('auren_storm_held_bytes', 'Bytes of held events kept for storm summaries', () => src.heldBytes());
  metrics.counter('auren_storm_evictions_total', 'Fingerprints forgotten or runs summarized early at a memory cap, by cap', () => ({ ...s.evicted, recent_cap: src.forgotten() }), 'cap');
  metrics.counter('auren_storm_unannounced_total', 'Storms not announced as storm.started because of the announcement rate cap', () => src.unannounced());
}
