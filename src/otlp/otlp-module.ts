/** The OTLP module: `POST /v1/traces`, its counters on /metrics, and a clear answer for metrics and logs. */
import type { Module } from '../app-context.js';
import type { ModuleFactory } from '../server/modules.js';
import { otlpOtherSignals, otlpRoute, type OtlpCounters } from './otlp-route.js';

export const otlpModule: ModuleFactory = ({ ctx }): Module => {
  const counters: OtlpCounters = { spans: 0, rejected: 0, requests: 0 };
  ctx.metrics.counter('auren_otlp_spans_total', 'OTLP spans received, and rejected', () => ({ received: counters.spans, rejected: counters.rejected }));
  ctx.metrics.counter('auren_otlp_requests_total', 'OTLP trace export requests decoded', () => counters.requests);
  return {
    name: 'otlp',
    routes: (app) => {
      otlpRoute(app, ctx, counters);
      otlpOtherSignals(app, ctx);
    },
  };
};
