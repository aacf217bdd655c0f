/**
 * Event fingerprints for storm control: two events with the same fingerprint are repeats of each other.
 * Built for the hot path (every streamed event): the serialized `data` is hashed as is, and only when a
 * volatile key appears in it is the top level scanned to leave those members out — no JSON.parse.
 */
import type { StoredEvent } from '../core/event.js';

/** A 53-bit string hash (cyrb53: two 32-bit multiply-xor lanes); collisions are ~n²/2⁵⁴. */
export function hash53(s: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Returns the fingerprint key of an event: project, type, agent, session, model, usage, confidence and
 * a hash of `data` without the volatile top-level keys. Ids and times (id, ts, trace/span ids) are
 * per-attempt and left out, so a loop that retries with new ids still counts as repeats.
 */
export function fingerprinter(volatile: readonly string[]): (e: StoredEvent) => string {
  const canonical = canonicalData(volatile);
  return (e) => {
    let key = `${e.project}\u001f${e.type}\u001f${e.agent_id ?? ''}\u001f${e.session_id ?? ''}\u001f${e.model ?? ''}`;
    const u = e.usage;
    if (u) key += `\u001fu${u.input_tokens},${u.output_tokens},${u.cache_read_tokens},${u.cache_write_tokens},${u.reasoning_tokens}`;
    if (e.confidence !== undefined) key += `\u001fc${e.confidence}`;
    if (e.data_json !== undefined) {
      const data = canonical(e.data_json);
      // Short data is kept verbatim (no collision possible); longer data as a 53-bit hash.
      key += data.length < 48 ? `\u001fd${data}` : `\u001fh${hash53(data).toString(36)}`;
    }
    return key;
  };
}

/**
 * `data_json` (compact JSON from JSON.stringify) without its volatile top-level members, in the same
 * form JSON.stringify would give after deleting them. In compact JSON a key is always preceded by `{`
 * or `,` and a quote inside a string is always escaped, so the prefilter never misses a real key.
 */
export function canonicalData(volatile: readonly string[]): (json: string) => string {
  if (volatile.length === 0) return (json) => json;
  const quoted = volatile.map((k) => JSON.stringify(k));
  const maybe = new RegExp(`[{,](?:${quoted.map(escapeRe).join('|')}):`);
  const keys = new Set(quoted.map((q) => q.slice(1, -1)));
  return (json) => (json.charCodeAt(0) === 123 && maybe.test(json) ? withoutKeys(json, keys) : json);
}

const QUOTE = 34;
const COMMA = 44;
const BACKSLASH = 92;

/** Rebuilds a top-level object without the members whose raw (escaped) key is in `keys`. */
function withoutKeys(json: string, keys: ReadonlySet<string>): string {
  if (json.charCodeAt(1) !== QUOTE) return json; // `{}`
  let out = '';
  let kept = 0;
  let i = 1;
  for (;;) {
    const keyEnd = endOfString(json, i);
    const valueEnd = endOfValue(json, keyEnd + 2);
    if (!keys.has(json.slice(i + 1, keyEnd))) out += (kept++ ? ',' : '') + json.slice(i, valueEnd);
    if (json.charCodeAt(valueEnd) !== COMMA) break;
    i = valueEnd + 1;
  }
  return `{${out}}`;
}

/** Index of the closing quote of the string that opens at `start`. */
function endOfString(json: string, start: number): number {
  let j = start;
  for (;;) {
    j = json.indexOf('"', j + 1);
    if (j === -1) return json.length;
    let slashes = 0;
    while (json.charCodeAt(j - 1 - slashes) === BACKSLASH) slashes++;
    if (slashes % 2 === 0) return j;
  }
}

/** Index just after the JSON value that starts at `start` (a `,` or the closing bracket follows). */
function endOfValue(json: string, start: number): number {
  const c = json.charCodeAt(start);
  if (c === QUOTE) return endOfString(json, start) + 1;
  let depth = 0;
  for (let j = start; j < json.length; j++) {
    const d = json.charCodeAt(j);
    if (d === QUOTE) j = endOfString(json, j);
    else if (d === 123 || d === 91) depth++;
    else if (d === 125 || d === 93) {
      if (depth === 0) return j;
      if (--depth === 0) return j + 1;
    } else if (d === COMMA && depth === 0) return j;
  }
  return json.length;
}
