/**
 * One OTLP span to one contract event (a raw object for IngestService, so the normal validation,
 * tier rules and pricing apply). The id is traceId+spanId, so a re-exported span is a duplicate.
 *
 * Clock skew: the time window is the one /v1/events enforces (2000-01-01 … now + 24 h). A span
 * outside it is kept, not lost: its ts is clamped to the time received and the original start is
 * kept in data.clock_skew — OTLP exporters log a rejection at most, so a rejected span would just
 * vanish from the user's view. Durations are computed from the original times.
 */
import { MAX_FUTURE_MS, MIN_TS } from '../ingest/validate.js';
import { errorType, spanType } from './event-type.js';
import type { OtlpSpan } from './otlp-spans.js';
import { mapUsage } from './usage-map.js';

const STATUS_ERROR = 2;
const KIND_NAMES = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];
const AGENT_KEYS = ['gen_ai.agent.name', 'gen_ai.agent.id', 'agent.name', 'crewai.agent.role'];
const SESSION_KEYS = ['gen_ai.conversation.id', 'session.id', 'traceloop.association.properties.session_id'];
const HANDOFF_KEYS = ['gen_ai.handoff.to_agent', 'handoff.to_agent', 'to_agent', 'gen_ai.agent.handoff.to'];
const MODEL_KEYS = ['gen_ai.response.model', 'gen_ai.request.model', 'llm.model_name', 'llm.response.model', 'llm.request.model'];

export type Mapped = { ok: true; event: Record<string, unknown> } | { ok: false; error: string };

export interface MapContext {
  now: number;
  /** Agent names of spans seen in the same request, so a tool span can inherit its agent. */
  agentOf: (spanId: string) => string | undefined;
}

export function spanToEvent(s: OtlpSpan, ctx: MapContext): Mapped {
  const idProblem = checkIds(s);
  if (idProblem) return { ok: false, error: idProblem };
  const startMs = s.startMs ?? s.endMs;
  if (startMs === undefined) return { ok: false, error: `span ${s.spanId}: start_time_unix_nano and end_time_unix_nano are both missing` };

  const a = s.attributes;
  const { type: baseType, source } = spanType(a, s.name);
  const failed = s.status.code === STATUS_ERROR;
  const data: Record<string, unknown> = { name: s.name, kind: KIND_NAMES[s.kind] ?? String(s.kind), mapped_from: source };
  let ts = startMs;
  if (startMs < MIN_TS || startMs > ctx.now + MAX_FUTURE_MS) {
    ts = ctx.now;
    data.clock_skew = { original_start_unix_nano: s.startNanos ?? null, reason: startMs < MIN_TS ? 'before 2000-01-01' : 'more than 24 h in the future', ts_set_to: 'time received' };
  }
  if (s.endMs !== undefined && s.startMs !== undefined) {
    data.duration_ms = Math.max(0, s.endMs - s.startMs);
    data.end = new Date(ts + (data.duration_ms as number)).toISOString();
  }
  if (s.status.code !== 0) data.status = { code: s.status.code === STATUS_ERROR ? 'error' : 'ok', ...(s.status.message ? { message: s.status.message } : {}) };
  if (failed) {
    data.severity = 'critical';
    data.error = s.status.message || exceptionMessage(s) || 'span ended with error status';
    data.ok_type = baseType;
  }
  if (baseType === 'agent.handoff') {
    const to = firstString(a, HANDOFF_KEYS) ?? /^handoff\s*(?:to|->|→|:)\s*(.+)$/i.exec(s.name)?.[1]?.trim();
    if (to) data.to_agent = to.slice(0, 128);
  }
  const { usage, note } = mapUsage(a);
  if (note) data.usage_note = note;
  data.attributes = a;
  if (s.events.length) data.events = s.events;
  data.resource = s.resource;
  if (s.scope.name) data.scope = s.scope.version ? `${s.scope.name}@${s.scope.version}` : s.scope.name;
  if (s.dropped.attributes || s.dropped.events) data.dropped_by_sender = s.dropped;
  if (s.cuts.notes.length) data.truncated = s.cuts.notes;

  const event: Record<string, unknown> = {
    id: s.traceId + s.spanId,
    ts,
    type: failed ? errorType(baseType) : baseType,
    trace_id: s.traceId,
    span_id: s.spanId,
    data,
  };
  if (s.parentSpanId) event.parent_span_id = s.parentSpanId;
  const agent = firstString(a, AGENT_KEYS) ?? ctx.agentOf(s.parentSpanId) ?? stringOr(s.resource['service.name']);
  if (agent) event.agent_id = agent;
  const session = firstString(a, SESSION_KEYS) ?? stringOr(s.resource['session.id']);
  if (session) event.session_id = session;
  const model = firstString(a, MODEL_KEYS);
  if (model) event.model = model;
  if (usage) event.usage = usage;
  const cost = a['gen_ai.usage.cost'] ?? a['llm.cost.total'];
  if (typeof cost === 'number' && Number.isFinite(cost) && cost >= 0) event.cost_usd = cost;
  return { ok: true, event };
}

/** The agent a span names itself (used to let its children inherit it). */
export function ownAgent(s: OtlpSpan): string | undefined {
  return firstString(s.attributes, AGENT_KEYS);
}

function checkIds(s: OtlpSpan): string | undefined {
  const which = s.spanId ? `span ${s.spanId}` : `span "${s.name.slice(0, 60)}"`;
  if (s.traceId === '') return `${which}: trace_id is missing (or all zero)`;
  if (s.spanId === '') return `${which}: span_id is missing (or all zero)`;
  if (s.traceId === 'invalid' || s.traceId.length !== 32) return `${which}: trace_id must be 16 bytes (32 hex characters in OTLP/JSON)`;
  if (s.spanId === 'invalid' || s.spanId.length !== 16) return `${which}: span_id must be 8 bytes (16 hex characters in OTLP/JSON)`;
  if (s.parentSpanId === 'invalid' || (s.parentSpanId !== '' && s.parentSpanId.length !== 16)) return `${which}: parent_span_id must be 8 bytes (16 hex characters in OTLP/JSON)`;
  return undefined;
}

function exceptionMessage(s: OtlpSpan): string | undefined {
  const ex = s.events.find((e) => e.name === 'exception');
  if (!ex) return undefined;
  const type = stringOr(ex.attributes['exception.type']);
  const msg = stringOr(ex.attributes['exception.message']);
  return [type, msg].filter(Boolean).join(': ').slice(0, 2048) || undefined;
}

function firstString(a: Record<string, unknown>, keys: string[]): string | undefined {
  for (const k of keys) {
    const v = stringOr(a[k]);
    if (v) return v;
  }
  return undefined;
}

function stringOr(v: unknown): string | undefined {
  if (typeof v === 'number') return String(v);
  if (typeof v !== 'string') return undefined;
  // eslint-disable-next-line no-control-regex
  const t = v.replace(/[\u0000-\u001f\u007f]/g, ' ').trim();
  // Contract ids are at most 128 characters; a longer name is cut rather than failing the span.
  return t === '' ? undefined : t.slice(0, 128);
}
