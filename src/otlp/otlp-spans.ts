/**
 * Flattens a decoded ExportTraceServiceRequest into spans with hex ids, millisecond times, plain
 * attribute objects and their resource and scope, the same whichever encoding it came in.
 */
import { HttpError } from '../core/errors.js';
import { attributesToObject, Truncations } from './attributes.js';
import { field, list, obj } from './json-fields.js';

export const MAX_SPANS_PER_REQUEST = 50_000;
const MAX_EVENTS_PER_SPAN = 32;

export interface OtlpSpan {
  /** Lowercase hex; '' when absent or not decodable. */
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  /** Epoch milliseconds (undefined when 0 or absent) and the exact nanosecond text. */
  startMs: number | undefined;
  endMs: number | undefined;
  startNanos: string | undefined;
  attributes: Record<string, unknown>;
  events: { name: string; time: string | undefined; attributes: Record<string, unknown> }[];
  status: { code: number; message: string };
  resource: Record<string, unknown>;
  scope: { name?: string; version?: string };
  dropped: { attributes: number; events: number };
  cuts: Truncations;
}

export function flattenSpans(req: Record<string, unknown>): OtlpSpan[] {
  const out: OtlpSpan[] = [];
  const rsList = field(req, 'resourceSpans');
  if (rsList !== undefined && !Array.isArray(rsList)) throw new HttpError(400, '"resourceSpans" must be an array');
  for (const rs of list(req, 'resourceSpans')) {
    const rso = obj(rs);
    if (!rso) throw new HttpError(400, 'each entry of "resourceSpans" must be an object');
    const resCuts = new Truncations();
    const resource = attributesToObject(field(obj(field(rso, 'resource')) ?? {}, 'attributes'), resCuts, 'resource');
    for (const ss of list(rso, 'scopeSpans')) {
      const sso = obj(ss);
      if (!sso) throw new HttpError(400, 'each entry of "scopeSpans" must be an object');
      const so = obj(field(sso, 'scope')) ?? {};
      const scope = { name: str(field(so, 'name')), version: str(field(so, 'version')) };
      for (const sp of list(sso, 'spans')) {
        if (out.length >= MAX_SPANS_PER_REQUEST) throw new HttpError(413, `more than ${MAX_SPANS_PER_REQUEST} spans in one request; lower the exporter's batch size`);
        out.push(toSpan(obj(sp) ?? {}, resource, scope, resCuts));
      }
    }
  }
  return out;
}

function toSpan(s: Record<string, unknown>, resource: Record<string, unknown>, scope: OtlpSpan['scope'], resCuts: Truncations): OtlpSpan {
  const cuts = new Truncations();
  for (const n of resCuts.notes) cuts.add(n);
  const start = nanos(field(s, 'startTimeUnixNano'));
  const end = nanos(field(s, 'endTimeUnixNano'));
  const status = obj(field(s, 'status')) ?? {};
  const rawEvents = list(s, 'events');
  if (rawEvents.length > MAX_EVENTS_PER_SPAN) cuts.add(`events: kept the first ${MAX_EVENTS_PER_SPAN} of ${rawEvents.length}`);
  return {
    traceId: hexId(field(s, 'traceId')),
    spanId: hexId(field(s, 'spanId')),
    parentSpanId: hexId(field(s, 'parentSpanId')),
    name: (str(field(s, 'name')) ?? '').slice(0, 512),
    kind: enumValue(field(s, 'kind')),
    startMs: toMs(start),
    endMs: toMs(end),
    startNanos: start,
    attributes: attributesToObject(field(s, 'attributes'), cuts, 'attributes'),
    events: rawEvents.slice(0, MAX_EVENTS_PER_SPAN).map((e, i) => {
      const eo = obj(e) ?? {};
      const t = toMs(nanos(field(eo, 'timeUnixNano')));
      return {
        name: (str(field(eo, 'name')) ?? '').slice(0, 256),
        time: t !== undefined && Number.isFinite(t) && Math.abs(t) < 8.64e15 ? new Date(t).toISOString() : undefined,
        attributes: attributesToObject(field(eo, 'attributes'), cuts, `events[${i}]`, 32),
      };
    }),
    status: { code: enumValue(field(status, 'code')), message: (str(field(status, 'message')) ?? '').slice(0, 2048) },
    resource,
    scope,
    dropped: { attributes: num(field(s, 'droppedAttributesCount')), events: num(field(s, 'droppedEventsCount')) },
    cuts,
  };
}

const HEX_ID = /^[0-9a-fA-F]+$/;

/** Ids are bytes in protobuf and hex strings in OTLP/JSON; an all-zero id means "absent". */
function hexId(v: unknown): string {
  let hex = '';
  if (v instanceof Uint8Array) hex = Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex');
  else if (typeof v === 'string' && v.length <= 64 && HEX_ID.test(v)) hex = v.toLowerCase();
  else if (typeof v === 'string' && v !== '') return 'invalid';
  return /^0*$/.test(hex) ? '' : hex;
}

/** Unix nanoseconds as exact decimal text (JSON may send a string or a number). */
function nanos(v: unknown): string | undefined {
  if (typeof v === 'number' && Number.isFinite(v) && v > 0) return BigInt(Math.trunc(v)).toString();
  if (typeof v === 'string' && /^\d{1,20}$/.test(v) && !/^0+$/.test(v)) return v.replace(/^0+/, '');
  return undefined;
}

function toMs(n: string | undefined): number | undefined {
  if (n === undefined) return undefined;
  return n.length <= 6 ? 0 : Number(n.slice(0, -6));
}

/** Status codes and span kinds are enums: numbers in protobuf, numbers (or names) in JSON. */
function enumValue(v: unknown): number {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string') {
    if (/^\d+$/.test(v)) return Number(v);
    if (/ERROR$/.test(v)) return 2;
    if (/OK$/.test(v)) return 1;
    const kinds = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
    const k = kinds.findIndex((name) => v.endsWith(name));
    if (k >= 0) return k;
  }
  return 0;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function num(v: unknown): number {
  const n = typeof v === 'number' ? v : Number(v ?? 0);
  return Number.isSafeInteger(n) && n > 0 ? n : 0;
}
