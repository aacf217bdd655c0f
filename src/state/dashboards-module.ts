/**
 * The dashboards module: keeps reasoning, cost and learning state in SQLite as events commit,
 * serves /v1/dashboards/*, pushes live dashboard frames, and applies per-tier retention to its
 * state. Its retention floor is the state watermark, so the store never sweeps an event the
 * state has not applied yet (a restart replays them).
 */
import type { Module } from '../app-context.js';
import type { ModuleEnv } from '../server/modules.js';
import { dashboardRoutes } from './dashboard-routes.js';
import { DashboardState } from './dashboard-state.js';
import { LivePublisher } from './live-publisher.js';
import { StateRetention } from './state-retention.js';

/** The module, with its parts reachable for operations and tests. */
export interface DashboardsModule extends Module {
  state: DashboardState;
  live: LivePublisher;
  retention: StateRetention;
}

export function dashboardsModule({ ctx, db }: ModuleEnv): DashboardsModule {
  const state = new DashboardState({ db, log: ctx.log, logger: ctx.logger, retention: ctx.config.retention, clock: ctx.clock });
  const live = new LivePublisher({ state, hub: ctx.hub, clock: ctx.clock, logger: ctx.logger });
  const retention = new StateRetention(db, ctx.clock, ctx.logger, Math.max(...Object.values(ctx.config.retention)));
  const f = state.follower;
  ctx.metrics.gauge('auren_dashboard_state_lag_events', 'Committed events not yet applied to the dashboard state', () => f.lag());
  ctx.metrics.counter('auren_dashboard_state_applied_events_total', 'Events applied to the dashboard state', () => f.applied);
  ctx.metrics.counter('auren_dashboard_state_failures_total', 'Failed dashboard state transactions (retried from the log)', () => f.failures);
  ctx.metrics.counter('auren_dashboard_frames_total', 'Dashboard frames published to stream clients', () => live.published);
  f.start();
  return {
    name: 'dashboards',
    state,
    live,
    retention,
    routes: (app) => dashboardRoutes(app, ctx, state),
    retentionFloor: () => f.watermark,
    async run(signal) {
      await Promise.all([live.run(signal), retention.run(signal)]);
      await f.stop();
    },
  };
}
