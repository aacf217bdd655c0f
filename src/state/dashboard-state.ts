/**
 * The dashboards' state: the writer that folds events into SQLite, the follower that feeds it from
 * the log, and the queries the REST routes and live frames share.
 */
import type { Config } from '../config/schema.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import { HandoffIndex } from './handoff-index.js';
import type { SqliteDatabase } from '../runtime/types.js';
import type { EventLog } from '../store/event-log.js';
import { migrate } from '../store/sqlite/migrations.js';
import { costDashboard } from './cost-query.js';
import type { DashboardFilters } from './filters.js';
import { learningDashboard } from './learning-query.js';
import { LogFollower } from './log-follower.js';
import './migrations.js';
import { projectScope } from './query-util.js';
import { DEFAULT_ACTIVE_MINUTES, reasoningDashboard } from './reasoning-query.js';
import { StateWriter, type DashboardName } from './state-writer.js';
import { hourOf } from './time.js';

export const LIVE_WINDOW_MS = 24 * 3_600_000;

export interface DashboardStateOptions {
  db: SqliteDatabase;
  log: EventLog;
  logger: Logger;
  retention: Config['retention'];
  clock: Clock;
}

export class DashboardState {
  readonly db: SqliteDatabase;
  readonly writer: StateWriter;
  readonly follower: LogFollower;
  readonly handoffs: HandoffIndex;

  constructor(o: DashboardStateOptions) {
    this.db = o.db;
    // The store migrates at open; this covers a database opened before this module was loaded.
    migrate(o.db);
    this.handoffs = new HandoffIndex(() => o.clock.now());
    this.handoffs.load(o.db);
    this.writer = new StateWriter(o.db, o.retention, this.handoffs);
    this.follower = new LogFollower({ db: o.db, log: o.log, logger: o.logger, sink: this.writer });
  }

  lag(): number {
    return this.follower.lag();
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
