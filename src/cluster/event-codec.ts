/**
 * How an event travels in the JetStream stream: its contract wire JSON without `seq` (the stream
 * sequence is the seq), so anyone tapping the stream with a NATS client reads the documented shape.
 */
import { eventToJson, type EventDraft, type StoredEvent, type Tier } from '../core/event.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const SEQ_PREFIX = '{"seq":0,';

/** The message body of a draft (UTF-8 JSON, no seq). */
export function encodeEvent(d: EventDraft): Uint8Array {
  const wire = eventToJson({ ...d, seq: 0 });
  return encoder.encode('{' + wire.slice(SEQ_PREFIX.length));
}

interface WireEvent {
  id: string;
  ts: string;
  received_at: string;
  project: string;
  tier: Tier;
  type: string;
  agent_id?: string;
  session_id?: string;
  trace_id?: string;
  span_id?: string;
  parent_span_id?: string;
  model?: string;
  usage?: StoredEvent['usage'];
  cost_usd?: number | null;
  confidence?: number;
  data?: unknown;
}

/** Rebuilds the stored event from a stream message; its wire JSON is kept so the hub never re-encodes it. */
export function decodeEvent(seq: number, body: Uint8Array): StoredEvent {
  const text = decoder.decode(body);
  const w = JSON.parse(text) as WireEvent;
  const e: StoredEvent = {
    seq,
    id: w.id,
    ts: Date.parse(w.ts),
    received_at: Date.parse(w.received_at),
    project: w.project,
    tier: w.tier,
    type: w.type,
    wire: `{"seq":${seq},` + text.slice(1),
  };
  if (w.agent_id !== undefined) e.agent_id = w.agent_id;
  if (w.session_id !== undefined) e.session_id = w.session_id;
  if (w.trace_id !== undefined) e.trace_id = w.trace_id;
  if (w.span_id !== undefined) e.span_id = w.span_id;
  if (w.parent_span_id !== undefined) e.parent_span_id = w.parent_span_id;
  if (w.model !== undefined) e.model = w.model;
  if (w.usage !== undefined) e.usage = w.usage;
  if (w.cost_usd !== undefined) e.cost_usd = w.cost_usd;
  if (w.confidence !== undefined) e.confidence = w.confidence;
  // data was serialized once at ingest; JSON.stringify(JSON.parse(x)) gives those same bytes back.
  if (w.data !== undefined) e.data_json = JSON.stringify(w.data);
  return e;
}
