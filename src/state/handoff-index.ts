/**
 * The recent hours of handoff_hourly kept in memory, per project and agent pair. Random handoffs
 * between many agents make that rollup sparse (one row per pair and hour), so grouping it in SQL for
 * every dashboard render costs tens of milliseconds; summing a few hours per pair here costs one.
 * Loaded from the table at start, fed only with committed batches; windows older than the horizon
 * fall back to SQL.
 */
import type { SqliteDatabase } from '../runtime/types.js';
import { HOUR_MS, hourOf } from './time.js';

export const HANDOFF_HORIZON_MS = 48 * HOUR_MS;
/** Pairs kept per project; beyond this the index gives up (queries use SQL). */
const MAX_PAIRS = 20_000;

export interface PairSums {
  from_agent: string;
  to_agent: string;
  handoffs: number;
  calls: number;
  cost_usd: number;
}

type Hours = Map<number, [number, number, number]>;

/** One staged delta: project, hour, from agent, to agent, handoffs, calls, cost. */
export type HandoffDelta = [string, number, string, string, number, number, number];

/**
 * Where the state writer stages handoff deltas: the index itself when the state is written on the
 * event loop, a relay to the event loop's index when it is written on its own thread.
 */
export interface HandoffSink {
  stage(project: string, hour: number, from: string, to: string, handoffs: number, calls: number, cost: number): void;
  commit(): void;
  discard(): void;
}

export class HandoffIndex implements HandoffSink {
  private readonly byProject = new Map<string, Map<string, { from: string; to: string; hours: Hours }>>();
  private overflowed = false;
  private pending: HandoffDelta[] = [];

  constructor(private readonly now: () => number) {}

  load(db: SqliteDatabase): void {
    const rows = db
      .prepare('SELECT project, hour, from_agent, to_agent, handoffs, calls, cost_usd FROM handoff_hourly WHERE hour >= ?')
      .all<{ project: string; hour: number; from_agent: string; to_agent: string; handoffs: number; calls: number; cost_usd: number }>(this.horizon());
    for (const r of rows) this.add(r.project, r.hour, r.from_agent, r.to_agent, r.handoffs, r.calls, r.cost_usd);
  }

  /** Forgets everything and reads the table again (after a writer it mirrored stopped mid-round). */
  reload(db: SqliteDatabase): void {
    this.byProject.clear();
    this.overflowed = false;
    this.pending = [];
    this.load(db);
  }

  /** Earliest hour the index answers for. */
  horizon(): number {
    return hourOf(this.now() - HANDOFF_HORIZON_MS);
  }

  /** Records a delta of the batch being applied; it counts once the batch commits. */
  stage(project: string, hour: number, from: string, to: string, handoffs: number, calls: number, cost: number): void {
    this.pending.push([project, hour, from, to, handoffs, calls, cost]);
  }

  commit(): void {
    for (const d of this.pending) this.add(...d);
    this.pending = [];
  }

  /** Deltas another thread committed. */
  apply(deltas: readonly HandoffDelta[]): void {
    for (const d of deltas) this.add(...d);
  }

  discard(): void {
    this.pending = [];
  }

  private add(project: string, hour: number, from: string, to: string, handoffs: number, calls: number, cost: number): void {
    if (this.overflowed || hour < this.horizon()) return;
    let pairs = this.byProject.get(project);
    if (!pairs) this.byProject.set(project, (pairs = new Map()));
    const k = `${from}\u0000${to}`;
    let p = pairs.get(k);
    if (!p) {
      if (pairs.size >= MAX_PAIRS) {
        this.overflowed = true;
        this.byProject.clear();
        return;
      }
      pairs.set(k, (p = { from, to, hours: new Map() }));
    }
    const s = p.hours.get(hour);
    if (s) {
      s[0] += handoffs;
      s[1] += calls;
      s[2] += cost;
    } else p.hours.set(hour, [handoffs, calls, cost]);
  }

  /** Per-pair sums since `since` (an hour), or undefined when the index cannot answer. */
  pairs(projects: readonly string[], since: number): PairSums[] | undefined {
    if (this.overflowed || since < this.horizon()) return undefined;
    this.prune();
    const out = new Map<string, PairSums>();
    for (const project of projects) {
      for (const [k, p] of this.byProject.get(project) ?? []) {
        let h = 0;
        let calls = 0;
        let cost = 0;
        for (const [hour, s] of p.hours) {
          if (hour < since) continue;
          h += s[0];
          calls += s[1];
          cost += s[2];
        }
        if (h === 0 && calls === 0) continue;
        const o = out.get(k);
        if (o) {
          o.handoffs += h;
          o.calls += calls;
          o.cost_usd += cost;
        } else out.set(k, { from_agent: p.from, to_agent: p.to, handoffs: h, calls, cost_usd: cost });
      }
    }
    return [...out.values()];
  }

  private prunedAt = 0;

  private prune(): void {
    const horizon = this.horizon();
    if (horizon === this.prunedAt) return;
    this.prunedAt = horizon;
    for (const pairs of this.byProject.values()) {
      for (const [k, p] of pairs) {
        for (const hour of p.hours.keys()) if (hour < horizon) p.hours.delete(hour);
        if (p.hours.size === 0) pairs.delete(k);
      }
    }
  }
}
