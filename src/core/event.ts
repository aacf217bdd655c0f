/** The event model shared by every pipeline stage. */

export const TIERS = ['critical', 'operational', 'analytical'] as const;
export type Tier = (typeof TIERS)[number];

export const USAGE_FIELDS = [
  'input_tokens',
  'output_tokens',
  'cache_read_tokens',
  'cache_write_tokens',
  'reasoning_tokens',
] as const;
export type UsageField = (typeof USAGE_FIELDS)[number];
/** Token counts. Following OpenTelemetry, `input_tokens` INCLUDES cache reads and writes. */
export type Usage = Partial<Record<UsageField, number>>;

export const ID_FIELDS = ['agent_id', 'session_id', 'trace_id', 'span_id', 'parent_span_id'] as const;
export type IdField = (typeof ID_FIELDS)[number];

/** A validated event, before the log assigns `seq`. Times are epoch milliseconds. */
export interface EventDraft {
  id: string;
  ts: number;
  received_at: number;
  project: string;
  type: string;
  tier: Tier;
  agent_id?: string;
  session_id?: string;
  trace_id?: string;
  span_id?: string;
  parent_span_id?: string;
  model?: string;
  usage?: Usage;
  cost_usd?: number | null;
  confidence?: number;
  /** Serialized JSON of `data` (validated once at ingest; stored and sent as is). */
  data_json?: string;
  /** The server made `id` (a UUIDv7 just generated): it cannot be a repeat, so it skips the dedup window. */
  idGenerated?: true;
  /**
   * Set by validation: `id`, `type`, the id fields and `model` hold nothing JSON escapes, so the wire
   * form puts them between quotes as they are. Only in memory; events read back are checked instead.
   */
  jsonPlain?: true;
}

/** An event as stored in the log. */
export interface StoredEvent extends EventDraft {
  seq: number;
  /** Cache of the wire JSON (see stream/frame.ts), built at most once per event. */
  wire?: string;
}

/**
 * The wire form of an event (stream frames, replays, APIs): times as RFC 3339 strings, `data` as JSON.
 * Built once per event and reused by every subscriber; on the hot path of every streamed event, so
 * the fields are spelled out (no loop over names) in one template, and texts validation found plain
 * skip the escaping check.
 */
export function eventToJson(e: StoredEvent): string {
  const q = e.jsonPlain === true ? inQuotes : quote;
  return `{"seq":${e.seq},"id":${q(e.id)},"ts":"${isoTime(e.ts)}","received_at":"${isoTime(e.received_at)}","project":${quote(e.project)},"tier":"${e.tier}","type":${q(e.type)}${
    e.agent_id !== undefined ? `,"agent_id":${q(e.agent_id)}` : ''}${
    e.session_id !== undefined ? `,"session_id":${q(e.session_id)}` : ''}${
    e.trace_id !== undefined ? `,"trace_id":${q(e.trace_id)}` : ''}${
    e.span_id !== undefined ? `,"span_id":${q(e.span_id)}` : ''}${
    e.parent_span_id !== undefined ? `,"parent_span_id":${q(e.parent_span_id)}` : ''}${
    e.model !== undefined ? `,"model":${q(e.model)}` : ''}${
    e.usage !== undefined ? `,"usage":${usageJson(e.usage)}` : ''}${
    e.cost_usd !== undefined ? `,"cost_usd":${e.cost_usd === null ? 'null' : e.cost_usd}` : ''}${
    e.confidence !== undefined ? `,"confidence":${e.confidence}` : ''}${
    e.data_json !== undefined ? `,"data":${e.data_json}` : ''}}`;
}

/** Token counts in USAGE_FIELDS order; validated safe integers, so their decimal text is their JSON. */
function usageJson(u: Usage): string {
  let t = '';
  if (u.input_tokens !== undefined) t += `,"input_tokens":${u.input_tokens}`;
  if (u.output_tokens !== undefined) t += `,"output_tokens":${u.output_tokens}`;
  if (u.cache_read_tokens !== undefined) t += `,"cache_read_tokens":${u.cache_read_tokens}`;
  if (u.cache_write_tokens !== undefined) t += `,"cache_write_tokens":${u.cache_write_tokens}`;
  if (u.reasoning_tokens !== undefined) t += `,"reasoning_tokens":${u.reasoning_tokens}`;
  return `{${t.slice(1)}}`;
}

function inQuotes(v: string): string {
  return `"${v}"`;
}

/** Text JSON carries between quotes unchanged: no quote, backslash, control character or surrogate. */
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const PLAIN = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;

/**
 * A string as JSON. Ids, names and types are nearly always plain text: a regex test is a fraction
 * of JSON.stringify's cost, paid ~10 times per streamed event; anything else goes through it.
 */
export function quote(v: string): string {
  return PLAIN.test(v) ? `"${v}"` : JSON.stringify(v);
}

/** Events of one request share received_at (and often ts): remember the last few conversions. */
const isoCache = new Map<number, string>();
export function isoTime(ms: number): string {
  let s = isoCache.get(ms);
  if (s === undefined) {
    if (isoCache.size >= 64) isoCache.clear();
    s = new Date(ms).toISOString();
    isoCache.set(ms, s);
  }
  return s;
}

/** Parsed `data`, for consumers that need to look inside it (dashboards). */
export function eventData(e: EventDraft): Record<string, unknown> | undefined {
  if (e.data_json === undefined) return undefined;
  const v: unknown = JSON.parse(e.data_json);
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}
