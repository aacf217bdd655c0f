/**
 * POST /v1/traces: OTLP/HTTP trace export (protobuf or JSON, gzip allowed). Spans become contract
 * events through IngestService, so they get the same validation, tiers, pricing and dedup as
 * /v1/events. Rejected spans are reported in partial_success; errors use the OTLP Status body.
 */
import type { Context, Hono } from 'hono';
import type { AppContext } from '../app-context.js';
import { principalOf } from '../auth/middleware.js';
import { HttpError } from '../core/errors.js';
import type { RawItem } from '../ingest/split-body.js';
import { withGatedBody } from '../ingest/gated-body.js';
import { decodeUtf8 } from '../ingest/read-body.js';
import { fitData } from './data-budget.js';
import { decodeJson, decodeProtobuf, otlpEncoding, type OtlpEncoding } from './otlp-decode.js';
import { exportResponse, statusResponse } from './otlp-response.js';
import { flattenSpans, type OtlpSpan } from './otlp-spans.js';
import { ownAgent, spanToEvent } from './span-to-event.js';

const MAX_MESSAGES = 5;

export interface OtlpCounters {
  spans: number;
  rejected: number;
  requests: number;
}

export function otlpRoute(app: Hono, ctx: AppContext, counters: OtlpCounters): void {
  app.post('/v1/traces', async (c) => {
    // The Status body uses the request's encoding; JSON when the encoding is unknown (readable).
    const ct = (c.req.header('content-type') ?? '').toLowerCase();
    const replyIn: OtlpEncoding = ct.includes('protobuf') ? 'protobuf' : 'json';
    try {
      return await handle(c, ctx, counters);
    } catch (err) {
      if (!(err instanceof HttpError)) throw err;
      ctx.metrics.httpRequests.inc({ route: '/v1/traces', status: String(err.status) });
      return statusResponse(replyIn, err.status, err.message, err.headers);
    }
  });
}

/**
 * OTLP metrics and logs are not ingested. SDKs pointed at the server with OTEL_EXPORTER_OTLP_ENDPOINT
 * send them too, so say plainly how to turn them off instead of a bare 404.
 */
export function otlpOtherSignals(app: Hono, ctx: AppContext): void {
  for (const signal of ['metrics', 'logs'] as const) {
    app.post(`/v1/${signal}`, (c) => {
      const encoding: OtlpEncoding = (c.req.header('content-type') ?? '').includes('protobuf') ? 'protobuf' : 'json';
      try {
        principalOf(c, ctx.keys, 'ingest');
      } catch (err) {
        if (err instanceof HttpError) return statusResponse(encoding, err.status, err.message, err.headers);
        throw err;
      }
      const env = signal === 'metrics' ? 'OTEL_METRICS_EXPORTER' : 'OTEL_LOGS_EXPORTER';
      return statusResponse(encoding, 404, `Auren ingests OTLP traces only (POST /v1/traces); turn ${signal} export off for this endpoint (${env}=none)`);
    });
  }
}

async function handle(c: Context, ctx: AppContext, counters: OtlpCounters): Promise<Response> {
  const principal = principalOf(c, ctx.keys, 'ingest');
  const encoding = otlpEncoding(c.req.header('content-type'));
  // The body's bytes stay counted against the in-flight budget until its spans are stored.
  return withGatedBody(ctx, c.req.raw, (body) => {
    const request = encoding === 'json' ? decodeJson(decodeUtf8(body)) : decodeProtobuf(body);
    return exportSpans(ctx, counters, principal.project, encoding, flattenSpans(request));
  });
}

async function exportSpans(ctx: AppContext, counters: OtlpCounters, project: string, encoding: OtlpEncoding, spans: OtlpSpan[]): Promise<Response> {
  counters.requests++;
  counters.spans += spans.length;
  if (spans.length === 0) return exportResponse(encoding, 0, '');

  const agents = new Map<string, string>();
  for (const s of spans) {
    const a = ownAgent(s);
    if (a && s.spanId) agents.set(s.spanId, a);
  }
  const parents = new Map(spans.map((s) => [s.spanId, s.parentSpanId]));
  const agentOf = (spanId: string): string | undefined => {
    // Walk up the tree within this request (bounded: a cycle in hostile input must not loop).
    for (let id = spanId, hops = 0; id && hops < 64; id = parents.get(id) ?? '', hops++) {
      const a = agents.get(id);
      if (a) return a;
    }
    return undefined;
  };

  const now = ctx.clock.now();
  const items: RawItem[] = [];
  const spanIndex: number[] = [];
  const messages: string[] = [];
  let rejected = 0;
  spans.forEach((s, i) => {
    const m = spanToEvent(s, { now, agentOf });
    if (!m.ok) {
      rejected++;
      if (messages.length < MAX_MESSAGES) messages.push(m.error);
      return;
    }
    fitData(m.event.data as Record<string, unknown>, ctx.config.maxEventBytes);
    items.push({ value: m.event });
    spanIndex.push(i);
  });
  if (items.length > 0) {
    const result = await ctx.ingest.ingest(project, items);
    rejected += result.rejected;
    for (const e of result.errors) {
      if (messages.length >= MAX_MESSAGES) break;
      messages.push(`span ${spans[spanIndex[e.index]].spanId}: ${e.error}`);
    }
  }
  counters.rejected += rejected;
  if (rejected === spans.length) {
    throw new HttpError(400, `no span in the request could be accepted (${rejected} rejected): ${messages.join('; ')}`);
  }
  const more = rejected > messages.length ? ` (and ${rejected - messages.length} more)` : '';
  return exportResponse(encoding, rejected, rejected ? messages.join('; ') + more : '');
}
