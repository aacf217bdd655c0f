/**
 * What the dashboards read from one event: its parsed `data` (once per event, shared by every
 * writer) and small derived facts such as a one-line summary.
 */
import { eventData, type StoredEvent } from '../core/event.js';

export type Data = Record<string, unknown> | undefined;

const ALWAYS = /^(memory|hypothesis|knowledge|biometric)\.|^agent\.handoff$/;

/**
 * Parses `data` only where a dashboard reads it on the hot path: learning and context types, the
 * handoff's to_agent, and an agent step's status (only when the text mentions one). Step text is
 * read when a chain is shown, never here.
 */
export function dataFor(e: StoredEvent): Data {
  const json = e.data_json;
  if (json === undefined) return undefined;
  if (!ALWAYS.test(e.type) && !(e.type.startsWith('agent.') && (json.includes('"status"') || json.includes('"final"')))) return undefined;
  try {
    return eventData(e);
  } catch {
    return undefined;
  }
}

const TEXT_FIELDS = ['text', 'message', 'summary', 'thought', 'decision', 'content', 'description', 'title', 'name'];
export const MAX_TEXT = 200;

/** A short human summary of a step (data.text, data.message, …), cut to 200 characters. */
export function summaryOf(d: Data): string | null {
  if (!d) return null;
  for (const f of TEXT_FIELDS) {
    const v = d[f];
    if (typeof v === 'string' && v !== '') return v.length > MAX_TEXT ? v.slice(0, MAX_TEXT - 1) + '…' : v;
  }
  return null;
}

/** A string field of data, trimmed and capped, or undefined. */
export function str(d: Data, field: string, max = 128): string | undefined {
  const v = d?.[field];
  if (typeof v !== 'string') return undefined;
  const t = v.trim();
  return t === '' ? undefined : t.slice(0, max);
}

/** A finite number field of data, or undefined. */
export function num(d: Data, field: string): number | undefined {
  const v = d?.[field];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** Cost events: anything with usage or a cost (mostly llm.call). */
export function isCostEvent(e: StoredEvent): boolean {
  return e.usage !== undefined || typeof e.cost_usd === 'number';
}

/** Parses stored `data` text (as read back from the log), or undefined. */
export function parseData(json: string | null | undefined): Data {
  if (json === null || json === undefined) return undefined;
  try {
    const v: unknown = JSON.parse(json);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
