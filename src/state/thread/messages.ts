/** What the event loop and the state thread tell each other (structured-clone plain data only). */
import type { Tier } from '../../core/event.js';
import type { HandoffDelta } from '../handoff-index.js';
import type { DashboardName } from '../state-writer.js';

export interface StateThreadSetup {
  /** The state's file (written by the thread) and the store's (read: the thread follows its events). */
  statePath: string;
  storePath: string;
  retention: Record<Tier, number>;
  /** The log's last seq when the thread was started: later events are announced with `committed`. */
  startSeq: number;
}

export type ToStateThread =
  /** Events up to `seq` are committed in the store. */
  | { op: 'committed'; seq: number }
  | { op: 'sweep'; id: number }
  /** Deliver what is committed, write what is folded, close, answer `stopped`. */
  | { op: 'stop'; seq: number };

export interface StateReport {
  kind: 'report';
  watermark: number;
  applied: number;
  failures: number;
  /** Projects whose dashboards changed in rounds committed since the last report. */
  dirty: Record<DashboardName, string[]>;
  /** Handoff deltas committed since the last report, for the event loop's handoff index. */
  handoffs: HandoffDelta[];
}

export type FromStateThread =
  | StateReport
  | { kind: 'log'; level: 'debug' | 'info' | 'warn' | 'error'; msg: string; fields?: Record<string, unknown> }
  | { kind: 'swept'; id: number; removed: number; error?: string }
  | { kind: 'stopped' };

/** Errors cross the thread boundary as plain objects; the event loop's logger gets an Error back. */
export function plainFields(fields: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!fields) return undefined;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) out[k] = v instanceof Error ? { error: true, name: v.name, message: v.message, stack: v.stack } : v;
  return out;
}

export function revivedFields(fields: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!fields) return undefined;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) {
    const e = v as { error?: boolean; name?: string; message?: string; stack?: string } | null;
    if (e && typeof e === 'object' && e.error === true && typeof e.message === 'string') {
      const err = new Error(e.message);
      err.name = e.name ?? 'Error';
      err.stack = e.stack;
      out[k] = err;
    } else out[k] = v;
  }
  return out;
}
