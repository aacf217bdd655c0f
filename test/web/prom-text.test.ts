import { describe, expect, it } from 'vitest';
import { bucketsOf, deltaBuckets, quantile } from '../../src/web/client/lib/histogram.js';
import { opsView } from '../../src/web/client/lib/ops-model.js';
import { labelValues, parsePrometheus, sum } from '../../src/web/client/lib/prom-text.js';

const TEXT = `# HELP auren_events_ingested_total Events accepted
# TYPE auren_events_ingested_total counter
auren_events_ingested_total{tier="critical"} 10
auren_events_ingested_total{tier="operational"} 1000
auren_events_ingested_total{tier="analytical"} 500
# TYPE auren_stream_clients gauge
auren_stream_clients{transport="ws"} 3
auren_stream_clients{transport="sse"} 1
# TYPE auren_events_dropped_total counter
auren_events_dropped_total{reason="rate_limit",tier="analytical"} 7
auren_events_dropped_total{reason="slow_consumer",tier="operational"} 2
# TYPE auren_stream_critical_latency_seconds histogram
auren_stream_critical_latency_seconds_bucket{le="0.001"} 5
auren_stream_critical_latency_seconds_bucket{le="0.01"} 9
auren_stream_critical_latency_seconds_bucket{le="+Inf"} 10
auren_stream_critical_latency_seconds_sum 0.03
auren_stream_critical_latency_seconds_count 10
weird_label{msg="a \\"quoted\\" \\\\ value",other="x"} 1.5e3
no_labels 42 1700000000000
bad line without value
nan_metric NaN
`;

describe('Prometheus text parser', () => {
  const s = parsePrometheus(TEXT);

  it('reads labelled and plain samples, escapes and exponents', () => {
    expect(sum(s, 'auren_events_ingested_total')).toBe(1510);
    expect(sum(s, 'auren_events_ingested_total', { tier: 'critical' })).toBe(10);
    expect(s.samples.get('weird_label')![0].labels).toEqual({ msg: 'a "quoted" \\ value', other: 'x' });
    expect(s.samples.get('weird_label')![0].value).toBe(1500);
    expect(sum(s, 'no_labels')).toBe(42);
    expect(Number.isNaN(s.samples.get('nan_metric')![0].value)).toBe(true);
    expect(s.samples.has('bad')).toBe(false);
    expect(s.types.get('auren_stream_critical_latency_seconds')).toBe('histogram');
    expect(labelValues(s, 'auren_events_dropped_total', 'reason').sort()).toEqual(['rate_limit', 'slow_consumer']);
  });

  it('computes histogram quantiles like histogram_quantile()', () => {
    const b = bucketsOf(s, 'auren_stream_critical_latency_seconds')!;
    expect(b.le).toEqual([0.001, 0.01, Infinity]);
    expect(quantile(b, 0.5)).toBeCloseTo(0.001, 6);
    // rank 7 of 10 falls in (0.001, 0.01] holding 4 observations, 2 of them below rank.
    expect(quantile(b, 0.7)).toBeCloseTo(0.001 + 0.009 * 0.5, 6);
    // Past the last finite bound, all we can say is "the bound".
    expect(quantile(b, 0.99)).toBe(0.01);
    expect(quantile({ le: [1, Infinity], counts: [0, 0] }, 0.5)).toBeUndefined();
  });

  it('subtracts buckets between scrapes, falling back on counter resets', () => {
    const a = { le: [1, Infinity], counts: [4, 5] };
    expect(deltaBuckets({ le: [1, Infinity], counts: [10, 12] }, a).counts).toEqual([6, 7]);
    expect(deltaBuckets({ le: [1, Infinity], counts: [1, 1] }, a).counts).toEqual([1, 1]);
  });

  it('derives per-second rates, clients and drops for the ops panel', () => {
    const later = parsePrometheus(TEXT.replace('tier="operational"} 1000', 'tier="operational"} 3000'));
    const v = opsView(later, s, 2);
    expect(v.ingestPerSec.operational).toBe(1000);
    expect(v.ingestPerSec.critical).toBe(0);
    expect(v.clients).toEqual({ ws: 3, sse: 1 });
    expect(v.droppedTotal).toBe(9);
    expect(v.droppedByReason).toEqual({ rate_limit: 7, slow_consumer: 2 });
    expect(v.latencies.map((l) => l.name)).toEqual(['auren_stream_critical_latency_seconds']);
    // First scrape: no rates yet, never negative.
    expect(opsView(s, undefined, 0).ingestTotalPerSec).toBe(0);
    expect(opsView(s, later, 2).ingestTotalPerSec).toBe(0);
  });
});
