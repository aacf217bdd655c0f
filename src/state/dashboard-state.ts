/**
 * The dashboards' state: the feed that keeps it up to date with the log (on its own thread or on the
 * event loop), and the queries the REST routes and live frames share.
 */
import type { SqliteDatabase } from '../runtime/types.js';
import type { HandoffIndex } from './handoff-index.js';
import { costDashboard } from './cost-query.js';
import type { DashboardFilters } from './filters.js';
import { learningDashboard } from './learning-query.js';
import { projectScope } from './query-util.js';
import { DEFAULT_ACTIVE_MINUTES, reasoningDashboard } from './reasoning-query.js';
import type { StateFeed } from './state-feed.js';
import type { DashboardName } from './state-writer.js';
import { hourOf } from './time.js';

export const LIVE_WINDOW_MS = 24 * 3_600_000;

export interface DashboardStateOptions {
  /** A connection that sees the state's tables (state.db's own, with the store attached). */
  db: SqliteDatabase;
  feed: StateFeed;
  handoffs: HandoffIndex;
  /** The log's last seq, for the lag. */
  lastSeq: () => number;
}

export class DashboardState {
  readonly db: SqliteDatabase;
  readonly feed: StateFeed;
  readonly handoffs: HandoffIndex;

  constructor(private readonly o: DashboardStateOptions) {
    this.db = o.db;
    this.feed = o.feed;
    this.handoffs = o.handoffs;
  }

  /** Events committed but not yet in every part of the state. */
  lag(): number {
    return Math.max(0, this.o.lastSeq() - this.feed.watermark);
  }

  projects(readProjects: readonly string[] | undefined): string[] {
    return projectScope(this.db, readProjects);
  }

  cost(projects: string[], f: DashboardFilters, now: number) {
    return costDashboard(this.db, projects, f, now, this.handoffs);
  }

  reasoning(projects: string[], f: DashboardFilters, now: number, activeMinutes = DEFAULT_ACTIVE_MINUTES) {
    return reasoningDashboard(this.db, projects, f, now, activeMinutes, this.handoffs);
  }

  learning(projects: string[], f: DashboardFilters, now: number) {
    return learningDashboard(this.db, projects, f, now);
  }

  /** The default view of one dashboard for one project (what live frames carry). */
  liveView(name: DashboardName, project: string, now: number): unknown {
    const f: DashboardFilters = { window: '24h', windowMs: LIVE_WINDOW_MS, since: hourOf(now - LIVE_WINDOW_MS) };
    if (name === 'cost') return this.cost([project], f, now);
    if (name === 'reasoning') return this.reasoning([project], f, now);
    return this.learning([project], f, now);
  }
}
