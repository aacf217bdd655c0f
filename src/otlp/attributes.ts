/**
 * OTLP attribute values (AnyValue / KeyValue, from either encoding) to plain JSON values, bounded:
 * long strings, big arrays, deep nesting and too many keys are cut, and every cut is noted so the
 * event says what was lost instead of silently losing it.
 */
import { field } from './json-fields.js';

export const MAX_STRING_CHARS = 8192;
export const MAX_ARRAY_ITEMS = 128;
export const MAX_ATTRIBUTES = 128;
const MAX_DEPTH = 4;

/** Collects what was cut while converting one span. */
export class Truncations {
  readonly notes: string[] = [];
  add(note: string): void {
    if (this.notes.length < 32) this.notes.push(note);
  }
}

/** A KeyValue list to an object (later duplicates win); non-string keys are skipped. */
export function attributesToObject(list: unknown, cuts: Truncations, where: string, maxKeys = MAX_ATTRIBUTES, depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!Array.isArray(list)) return out;
  let n = 0;
  for (const kv of list) {
    if (kv === null || typeof kv !== 'object') continue;
    const key = (kv as Record<string, unknown>).key;
    if (typeof key !== 'string' || key === '' || key === '__proto__') continue;
    if (n >= maxKeys) {
      cuts.add(`${where}: kept the first ${maxKeys} of ${list.length} attributes`);
      break;
    }
    n++;
    out[key.length > 256 ? key.slice(0, 256) : key] = anyValue((kv as Record<string, unknown>).value, cuts, `${where}.${key.slice(0, 64)}`, depth);
  }
  return out;
}

/** One AnyValue: exactly one of its fields is set (an unset value becomes null). */
export function anyValue(v: unknown, cuts: Truncations, where: string, depth: number): unknown {
  if (v === null || typeof v !== 'object') return null;
  const o = v as Record<string, unknown>;
  const s = field(o, 'stringValue');
  if (s !== undefined && s !== null) return boundString(String(s), cuts, where);
  const b = field(o, 'boolValue');
  if (b !== undefined && b !== null) return b === true || b === 'true';
  const i = field(o, 'intValue');
  if (i !== undefined && i !== null) return intValue(i);
  const d = field(o, 'doubleValue');
  if (d !== undefined && d !== null) return typeof d === 'number' && Number.isFinite(d) ? d : String(d);
  const bytes = field(o, 'bytesValue');
  if (bytes !== undefined && bytes !== null) return boundString(typeof bytes === 'string' ? bytes : toBase64(bytes as Uint8Array), cuts, where);
  const arr = field(o, 'arrayValue');
  if (arr !== undefined && arr !== null) {
    if (depth >= MAX_DEPTH) return cutDepth(cuts, where);
    const values = field(arr as Record<string, unknown>, 'values');
    if (!Array.isArray(values)) return [];
    if (values.length > MAX_ARRAY_ITEMS) cuts.add(`${where}: kept the first ${MAX_ARRAY_ITEMS} of ${values.length} array items`);
    return values.slice(0, MAX_ARRAY_ITEMS).map((x) => anyValue(x, cuts, where, depth + 1));
  }
  const kv = field(o, 'kvlistValue');
  if (kv !== undefined && kv !== null) {
    if (depth >= MAX_DEPTH) return cutDepth(cuts, where);
    return attributesToObject(field(kv as Record<string, unknown>, 'values'), cuts, where, MAX_ARRAY_ITEMS, depth + 1);
  }
  return null;
}

function intValue(i: unknown): number | string {
  const n = typeof i === 'number' ? i : Number(i);
  // int64 beyond 2^53 keeps its exact decimal text rather than a rounded number.
  return Number.isSafeInteger(n) ? n : String(i).slice(0, 32);
}

function boundString(s: string, cuts: Truncations, where: string): string {
  if (s.length <= MAX_STRING_CHARS) return s;
  cuts.add(`${where}: string of ${s.length} characters cut to ${MAX_STRING_CHARS}`);
  return s.slice(0, MAX_STRING_CHARS);
}

function cutDepth(cuts: Truncations, where: string): string {
  cuts.add(`${where}: nested deeper than ${MAX_DEPTH} levels, replaced by a marker`);
  return '[nested too deep]';
}

function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, MAX_STRING_CHARS)).toString('base64');
}
