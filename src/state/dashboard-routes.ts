/**
 * REST endpoints of the three dashboards. Every route needs a read key and sees only the key's
 * projects; the `X-Auren-State-Lag` header says how many committed events the state has yet to
 * apply (0 when current).
 */
import type { Context, Hono } from 'hono';
import type { AppContext } from '../app-context.js';
import { principalOf } from '../auth/middleware.js';
import { HttpError } from '../core/errors.js';
import { chainDetailJson, DEFAULT_STEP_LIMIT, MAX_STEP_LIMIT } from './chain-detail.js';
import type { DashboardState } from './dashboard-state.js';
import { intParam, parseFilters } from './filters.js';
import { DEFAULT_ACTIVE_MINUTES } from './reasoning-query.js';

export function dashboardRoutes(app: Hono, ctx: AppContext, state: DashboardState): void {
  const scope = (c: Context) => {
    const p = principalOf(c, ctx.keys, 'read');
    c.header('X-Auren-State-Lag', String(state.lag()));
    c.header('Cache-Control', 'no-store');
    return state.projects(p.readProjects);
  };

  app.get('/v1/dashboards/cost', (c) => {
    const projects = scope(c);
    const now = ctx.clock.now();
    return c.json(state.cost(projects, parseFilters(c.req.query(), now), now));
  });

  app.get('/v1/dashboards/reasoning', (c) => {
    const projects = scope(c);
    const now = ctx.clock.now();
    const f = parseFilters(c.req.query(), now, ['active_minutes']);
    return c.json(state.reasoning(projects, f, now, intParam(c, 'active_minutes', DEFAULT_ACTIVE_MINUTES, 1440)));
  });

  app.get('/v1/dashboards/reasoning/:trace_id', (c) => {
    const projects = scope(c);
    const trace = c.req.param('trace_id');
    if (trace.length > 128) throw new HttpError(400, 'trace_id: at most 128 characters');
    for (const k of Object.keys(c.req.query())) {
      if (k !== 'limit' && k !== 'token' && k !== 'active_minutes') throw new HttpError(400, `unknown parameter "${k.slice(0, 40)}"; use limit, active_minutes`);
    }
    const limit = intParam(c, 'limit', DEFAULT_STEP_LIMIT, MAX_STEP_LIMIT);
    const activeMs = intParam(c, 'active_minutes', DEFAULT_ACTIVE_MINUTES, 1440) * 60_000;
    const json = chainDetailJson(state.db, projects, trace, limit, ctx.clock.now(), activeMs);
    if (json === undefined) throw new HttpError(404, `no chain with trace_id "${trace.slice(0, 128)}" in your projects (it may not have started, or has aged out of retention)`);
    return c.body(json, 200, { 'Content-Type': 'application/json' });
  });

  app.get('/v1/dashboards/learning', (c) => {
    const projects = scope(c);
    const now = ctx.clock.now();
    return c.json(state.learning(projects, parseFilters(c.req.query(), now), now));
  });
}
