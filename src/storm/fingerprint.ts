/**
 * Event fingerprints for storm control: two events with the same fingerprint are repeats of each other.
 * Built for the hot path (every streamed event): the serialized `data` is hashed as is, and only when a
 * volatile key appears in it are its top-level members scanned to leave those out — no JSON.parse, and
 * no copy of the data: the kept ranges are hashed in place.
 */
import type { StoredEvent } from '../core/event.js';
import { Hash53 } from './hash53.js';
import { joinMembers, keptMembers } from './json-members.js';

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

const SEP = '\u001f';

/**
 * Returns the fingerprint of an event: a 53-bit hash of project, type, agent, session, model, usage,
 * confidence and `data` without its volatile top-level keys. Ids and times (id, ts, trace and span
 * ids) are per attempt and left out, so a loop that retries with new ids still repeats. A number, not
 * a string: every streamed event is fingerprinted and looked up, and number keys cost the Maps far
 * less than ~100-character strings; two different events share one with odds of ~n²/2⁵⁴.
 */
export function fingerprinter(volatile: readonly string[]): (e: StoredEvent) => number {
  const v = volatileSet(volatile);
  const h = new Hash53();
  const ranges: number[] = [];

  function addData(json: string): void {
    if (json.charCodeAt(0) === 123 && v && v.maybe.test(json)) {
      keptMembers(json, v.keys, ranges);
      // The kept members in braces: the same characters as the object without its volatile keys.
      h.add('{');
      for (let k = 0; k < ranges.length; k += 2) {
        if (k) h.add(',');
        h.add(json, ranges[k], ranges[k + 1]);
      }
      h.add('}');
      return;
    }
    h.add(json);
  }

  return (e) => {
    h.reset(0).add(e.project).add(SEP).add(e.type).add(SEP);
    if (e.agent_id !== undefined) h.add(e.agent_id);
    h.add(SEP);
    if (e.session_id !== undefined) h.add(e.session_id);
    h.add(SEP);
    if (e.model !== undefined) h.add(e.model);
    const u = e.usage;
    if (u) h.add(`${SEP}u${u.input_tokens},${u.output_tokens},${u.cache_read_tokens},${u.cache_write_tokens},${u.reasoning_tokens}`);
    if (e.confidence !== undefined) h.add(`${SEP}c${e.confidence}`);
    if (e.data_json !== undefined) {
      h.add(`${SEP}d`);
      addData(e.data_json);
    }
    return h.digest();
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
