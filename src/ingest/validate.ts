/**
 * Checks one raw event against the contract and turns it into a draft. Every rejection says
 * which field is wrong and what a valid value looks like.
 */
import { ID_FIELDS, TIERS, USAGE_FIELDS, type EventDraft, type Tier, type Usage } from '../core/event.js';
import { uuidv7 } from '../core/uuid.js';

export const MAX_ID_LENGTH = 128;
export const MAX_TYPE_LENGTH = 128;
export const MAX_DATA_DEPTH = 64;
/** Events dated more than this far ahead are refused: they would land in a future archive partition. */
export const MAX_FUTURE_MS = 24 * 3_600_000;
/** Times before this are refused (a seconds-for-milliseconds mistake lands in 1970). */
export const MIN_TS = Date.UTC(2000, 0, 1);

const TYPE_RE = /^[a-z0-9_]+(?:[.-][a-z0-9_]+)*$/;
// Control characters (NUL, CR, LF…) never belong in ids: they break logs, headers and file names.
// eslint-disable-next-line no-control-regex
const CONTROL_RE = /[\u0000-\u001f\u007f]/;
const LONE_SURROGATE_RE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const KNOWN = new Set(['id', 'ts', 'type', 'tier', ...ID_FIELDS, 'model', 'usage', 'cost_usd', 'confidence', 'data']);

export interface ValidateContext {
  project: string;
  now: number;
  maxDataBytes: number;
}

export type Validated = { ok: true; draft: EventDraft; severity: unknown; override: Tier | undefined } | { ok: false; error: string };

export function validateEvent(raw: unknown, ctx: ValidateContext): Validated {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return fail('each event must be a JSON object');
  const o = raw as Record<string, unknown>;
  for (const key in o) {
    if (!KNOWN.has(key)) {
      if (key === 'seq' || key === 'received_at' || key === 'project') return fail(`field "${key}" is set by the server; remove it`);
      return fail(`unknown field "${key.slice(0, 40)}"; put custom fields inside "data"`);
    }
  }
  const type = o.type;
  if (typeof type !== 'string' || type === '') return fail('"type" is required: a dotted lowercase name such as "llm.call"');
  if (type.length > MAX_TYPE_LENGTH || !TYPE_RE.test(type)) {
    return fail(`"type" must be dotted lowercase (letters, digits, _ and -, at most ${MAX_TYPE_LENGTH} characters), e.g. "agent.step"`);
  }
  const draft: EventDraft = { id: '', ts: ctx.now, received_at: ctx.now, project: ctx.project, type, tier: 'operational' };
  // A type that passed TYPE_RE and a generated id need no escaping; any checked text may clear this.
  let plain = true;

  if (o.id !== undefined) {
    const bad = checkId(o.id, 'id');
    if (bad) return fail(bad);
    if (bad === NEEDS_ESCAPING) plain = false;
    draft.id = o.id as string;
  } else {
    draft.id = uuidv7(ctx.now);
    draft.idGenerated = true;
  }
  if (o.ts !== undefined) {
    const ts = parseTs(o.ts, ctx.now);
    if (typeof ts === 'string') return fail(ts);
    draft.ts = ts;
  }
  let override: Tier | undefined;
  if (o.tier !== undefined) {
    if (!TIERS.includes(o.tier as Tier)) return fail(`"tier" must be one of ${TIERS.join(', ')}`);
    override = o.tier as Tier;
  }
  for (const f of ID_FIELDS) {
    const v = o[f];
    if (v === undefined || v === null) continue;
    const bad = checkId(v, f);
    if (bad) return fail(bad);
    if (bad === NEEDS_ESCAPING) plain = false;
    draft[f] = v as string;
  }
  if (o.model !== undefined && o.model !== null) {
    const bad = checkId(o.model, 'model');
    if (bad) return fail(bad);
    if (bad === NEEDS_ESCAPING) plain = false;
    draft.model = o.model as string;
  }
  if (o.usage !== undefined && o.usage !== null) {
    const usage = parseUsage(o.usage);
    if (typeof usage === 'string') return fail(usage);
    draft.usage = usage;
  }
  if (o.cost_usd !== undefined && o.cost_usd !== null) {
    if (typeof o.cost_usd !== 'number' || !Number.isFinite(o.cost_usd) || o.cost_usd < 0 || o.cost_usd > 1e9) {
      return fail('"cost_usd" must be a non-negative number of US dollars');
    }
    draft.cost_usd = o.cost_usd;
  }
  if (o.confidence !== undefined && o.confidence !== null) {
    if (typeof o.confidence !== 'number' || !(o.confidence >= 0 && o.confidence <= 1)) return fail('"confidence" must be a number from 0 to 1');
    draft.confidence = o.confidence;
  }
  let severity: unknown;
  if (o.data !== undefined) {
    const problem = dataProblem(o.data, MAX_DATA_DEPTH);
    if (problem) return fail(problem);
    const json = JSON.stringify(o.data);
    if (json.length > ctx.maxDataBytes && byteLength(json) > ctx.maxDataBytes) {
      return fail(`"data" is ${byteLength(json)} bytes serialized, over the limit of ${ctx.maxDataBytes}; store large payloads elsewhere and send a reference`);
    }
    draft.data_json = json;
    if (o.data !== null && typeof o.data === 'object') severity = (o.data as Record<string, unknown>).severity;
  }
  if (plain) draft.jsonPlain = true;
  return { ok: true, draft, severity, override };
}

function fail(error: string): Validated {
  return { ok: false, error };
}

/**
 * Printable ASCII but `"` and `\`: no control character, no surrogate, nothing JSON escapes. Most ids
 * pass with this one test, and the stream can then put them between quotes as they are.
 */
const JSON_PLAIN_ASCII = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;
/** checkId's answer for a valid text that JSON must escape (a quote, a backslash, non-ASCII). */
const NEEDS_ESCAPING = '';

/** undefined: valid and plain; NEEDS_ESCAPING: valid; any other text: what is wrong. */
function checkId(v: unknown, field: string): string | undefined {
  if (typeof v !== 'string') return `"${field}" must be a string`;
  if (v.length === 0 || v.length > MAX_ID_LENGTH) return `"${field}" must be 1 to ${MAX_ID_LENGTH} characters`;
  if (JSON_PLAIN_ASCII.test(v)) return undefined;
  if (CONTROL_RE.test(v)) return `"${field}" must not contain control characters`;
  // SQLite stores text as UTF-8, where a lone surrogate cannot exist: it would come back changed
  // (and differently on Bun and Node), breaking dedup after a restart.
  if (LONE_SURROGATE_RE.test(v)) return `"${field}" must be valid Unicode (it holds a lone surrogate such as \\ud800)`;
  return NEEDS_ESCAPING;
}

const RFC3339_RE = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const lastTs = { text: '', ms: 0 };

function parseTs(v: unknown, now: number): number | string {
  let ms: number;
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) return '"ts" as a number must be whole epoch milliseconds';
    ms = v;
  } else if (typeof v === 'string') {
    // Events of one batch often share their time: the last text parsed is remembered.
    if (v === lastTs.text) ms = lastTs.ms;
    else {
      // RFC 3339 requires a date, a time and an offset; Date.parse alone accepts far looser text.
      if (!RFC3339_RE.test(v)) return '"ts" must be an RFC 3339 time such as "2026-11-26T21:58:19.123Z", or epoch milliseconds';
      ms = Date.parse(v);
      if (Number.isNaN(ms)) return `"ts" "${v}" is not a real date`;
      lastTs.text = v;
      lastTs.ms = ms;
    }
  } else {
    return '"ts" must be an RFC 3339 string or epoch milliseconds';
  }
  if (ms < MIN_TS) return '"ts" is before 2000-01-01; send epoch milliseconds (not seconds) or an RFC 3339 string';
  if (ms > now + MAX_FUTURE_MS) return '"ts" is more than 24 h in the future; check the sender\'s clock';
  return ms;
}

function parseUsage(v: unknown): Usage | string {
  if (typeof v !== 'object' || Array.isArray(v) || v === null) return '"usage" must be an object of token counts';
  const out: Usage = {};
  for (const key in v as Record<string, unknown>) {
    if (!(USAGE_FIELDS as readonly string[]).includes(key)) {
      return `unknown usage field "${key.slice(0, 40)}"; use ${USAGE_FIELDS.join(', ')}`;
    }
    const n = (v as Record<string, unknown>)[key];
    if (n === null || n === undefined) continue;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) return `"usage.${key}" must be a non-negative integer`;
    out[key as keyof Usage] = n;
  }
  if ((out.cache_read_tokens ?? 0) + (out.cache_write_tokens ?? 0) > (out.input_tokens ?? Infinity)) {
    return '"usage.input_tokens" includes cache reads and writes, so it cannot be smaller than their sum';
  }
  return out;
}

/**
 * Iterative walk (a recursive one would itself overflow on hostile nesting): too deep, or a number
 * too large for a double, which JSON.stringify would silently turn into null.
 */
function dataProblem(v: unknown, max: number): string | undefined {
  const huge = '"data" holds a number too large to represent (beyond ±1.8e308); send it as a string';
  if (typeof v === 'number') return Number.isFinite(v) ? undefined : huge;
  if (v === null || typeof v !== 'object') return undefined;
  const nodes: object[] = [v];
  const depths: number[] = [1];
  while (nodes.length) {
    const node = nodes.pop() as Record<string, unknown>;
    const depth = depths.pop()!;
    if (depth > max) return `"data" is nested deeper than ${max} levels`;
    // Own enumerable members, without the array Object.values would make of each node.
    const list = Array.isArray(node) ? (node as unknown[]) : undefined;
    if (list) {
      for (let i = 0; i < list.length; i++) {
        const c = list[i];
        if (c !== null && typeof c === 'object') {
          nodes.push(c);
          depths.push(depth + 1);
        } else if (typeof c === 'number' && !Number.isFinite(c)) return huge;
      }
      continue;
    }
    for (const k in node) {
      const c = node[k];
      if (c !== null && typeof c === 'object') {
        nodes.push(c);
        depths.push(depth + 1);
      } else if (typeof c === 'number' && !Number.isFinite(c)) return huge;
    }
  }
  return undefined;
}

let encoder: TextEncoder | undefined;
function byteLength(s: string): number {
  encoder ??= new TextEncoder();
  return encoder.encode(s).byteLength;
}
