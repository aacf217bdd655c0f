/**
 * The dashboards module: keeps reasoning, cost and learning state in SQLite as events commit (on a
 * thread of its own, in its own file state.db), serves /v1/dashboards/*, pushes live dashboard
 * frames, and applies per-tier retention to its state. Its retention floor is the state watermark,
 * so the store never sweeps an event the state has not applied yet (a restart replays them).
 */
import { join } from 'node:path';
import type { Module } from '../app-context.js';
import { systemClock } from '../core/clock.js';
import { workerEntry } from '../runtime/worker-entry.js';
import type { ModuleEnv, ModuleFactory } from '../server/modules.js';
import { dashboardRoutes } from './dashboard-routes.js';
import { DashboardState } from './dashboard-state.js';
import { HandoffIndex } from './handoff-index.js';
import { LivePublisher } from './live-publisher.js';
import { InProcessFeed, type StateFeed } from './state-feed.js';
import { openStateFile, STATE_FILE } from './state-file.js';
import { ThreadFeed } from './thread/thread-feed.js';

/** The module, with its parts reachable for operations and tests. */
export interface DashboardsModule extends Module {
  state: DashboardState;
  live: LivePublisher;
  retention: Pick<StateFeed, 'sweepOnce'>;
}

export interface DashboardsTuning {
  /** The state thread's entry module (default: the runtime's state-worker, see runtime/worker-entry.ts). */
  stateEntry?: URL;
}

export function createDashboardsModule(tuning: DashboardsTuning = {}): ModuleFactory {
  return (env) => dashboardsModuleWith(env, tuning);
}

export const dashboardsModule: ModuleFactory = createDashboardsModule();

function dashboardsModuleWith({ ctx, runtime }: ModuleEnv, tuning: DashboardsTuning): DashboardsModule {
  const { config, clock, logger, log } = ctx;
  const statePath = join(config.dataDir, STATE_FILE);
  const storePath = join(config.dataDir, 'auren.db');
  // The store's own connection (`env.db`) is left alone: it must never wait for the state's writes.
  const db = openStateFile(runtime.openSqlite, statePath, storePath);
  const handoffs = new HandoffIndex(() => clock.now());
  handoffs.load(db);
  // The thread follows the store's SQLite log with the system clock: cluster mode (the log is
  // JetStream) and an injected clock keep the state on the event loop.
  const threaded = !config.cluster && clock === systemClock;
  const feed: StateFeed = threaded
    ? new ThreadFeed({
        entry: tuning.stateEntry ?? workerEntry(runtime.name, 'state-worker'), statePath, storePath,
        db, log, logger, clock, retention: config.retention, handoffs,
      })
    : new InProcessFeed({ db, log, logger, clock, retention: config.retention, handoffs });
  const state = new DashboardState({ db, feed, handoffs, lastSeq: () => log.lastSeq() });
  const live = new LivePublisher({ state, hub: ctx.hub, clock, logger });
  ctx.metrics.gauge('auren_dashboard_state_lag_events', 'Committed events not yet applied to the dashboard state', () => state.lag());
  ctx.metrics.counter('auren_dashboard_state_applied_events_total', 'Events applied to the dashboard state', () => feed.applied);
  ctx.metrics.counter('auren_dashboard_state_failures_total', 'Failed dashboard state transactions (retried from the log)', () => feed.failures);
  ctx.metrics.gauge('auren_dashboard_state_thread', 'The dashboard state is written on its own thread (1) or on the event loop (0)', () => (feed.where === 'thread' ? 1 : 0));
  ctx.metrics.counter('auren_dashboard_frames_total', 'Dashboard frames published to stream clients', () => live.published);
  feed.start();
  return {
    name: 'dashboards',
    state,
    live,
    retention: feed,
    routes: (app) => dashboardRoutes(app, ctx, state),
    retentionFloor: () => feed.watermark,
    async run(signal) {
      try {
        await Promise.all([live.run(signal), feed.run(signal)]);
      } finally {
        db.close();
      }
    },
  };
}
