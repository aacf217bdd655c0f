/**
 * Event fingerprints for storm control: two events with the same fingerprint are repeats of each other.
 * Built for the hot path (every streamed event): the serialized `data` is hashed as is, and only when a
 * volatile key appears in it are its top-level members scanned to leave those out — no JSON.parse, and
 * no copy of the data: the kept ranges are hashed in place.
 */
import type { StoredEvent } from '../core/event.js';
import { Hash53 } from './hash53.js';
import { joinMembers, keptMembers } from './json-members.js';

/** Data shorter than this (after leaving volatile keys out) goes into the key verbatim: no collision. */
const VERBATIM = 48;

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

interface Volatile {
  /** Prefilter: some volatile key may be a member (at some depth). */
  maybe: RegExp;
  /** Raw (JSON-escaped) volatile key texts. */
  keys: ReadonlySet<string>;
}

function volatileSet(volatile: readonly string[]): Volatile | undefined {
  if (volatile.length === 0) return undefined;
  const quoted = volatile.map((k) => JSON.stringify(k));
  return { maybe: new RegExp(`[{,](?:${quoted.map(escapeRe).join('|')}):`), keys: new Set(quoted.map((q) => q.slice(1, -1))) };
}

/**
 * Returns the fingerprint key of an event: project, type, agent, session, model, usage, confidence and
 * `data` without its volatile top-level keys (verbatim when short, else a 53-bit hash). Ids and times
 * (id, ts, trace and span ids) are per attempt and left out, so a loop that retries with new ids still
 * repeats.
 */
export function fingerprinter(volatile: readonly string[]): (e: StoredEvent) => string {
  const v = volatileSet(volatile);
  const h = new Hash53();
  const ranges: number[] = [];

  function dataKey(json: string): string {
    const object = json.charCodeAt(0) === 123;
    if (object && v && v.maybe.test(json)) {
      const length = keptMembers(json, v.keys, ranges);
      if (length < VERBATIM) return `d${joinMembers(json, ranges)}`;
      h.reset(0);
      for (let k = 0; k < ranges.length; k += 2) {
        if (k) h.add(',');
        h.add(json, ranges[k], ranges[k + 1]);
      }
      return `h${h.digest()}`;
    }
    if (json.length < VERBATIM) return `d${json}`;
    // An object hashes its members text (what the stripped path hashes); other values the whole text.
    // Decimal, not base 36: V8 formats other radixes about ten times slower.
    return `h${(object ? h.reset(0).add(json, 1, json.length - 1) : h.reset(1).add(json)).digest()}`;
  }

  return (e) => {
    let key = `${e.project}\u001f${e.type}\u001f${e.agent_id ?? ''}\u001f${e.session_id ?? ''}\u001f${e.model ?? ''}`;
    const u = e.usage;
    if (u) key += `\u001fu${u.input_tokens},${u.output_tokens},${u.cache_read_tokens},${u.cache_write_tokens},${u.reasoning_tokens}`;
    if (e.confidence !== undefined) key += `\u001fc${e.confidence}`;
    if (e.data_json !== undefined) key += `\u001f${dataKey(e.data_json)}`;
    return key;
  };
}

/**
 * `data_json` without its volatile top-level members, as JSON.stringify would give after deleting them
 * (what the fingerprint stands for; the hot path hashes the same text without building it).
 */
export function canonicalData(volatile: readonly string[]): (json: string) => string {
  const v = volatileSet(volatile);
  const ranges: number[] = [];
  return (json) => {
    if (!v || json.charCodeAt(0) !== 123 || !v.maybe.test(json)) return json;
    keptMembers(json, v.keys, ranges);
    return joinMembers(json, ranges);
  };
}
