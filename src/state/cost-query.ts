/**
 * GET /v1/dashboards/cost: spend in a window from the hourly rollups — totals, by model, by agent,
 * per hour, cache-hit rate and handoff costs.
 */
import type { SqliteDatabase } from '../runtime/types.js';
import { echoFilters, type DashboardFilters } from './filters.js';
import type { HandoffIndex } from './handoff-index.js';
import { handoffCosts, type HandoffCosts } from './handoff-query.js';
import { orNull, ratio, usd } from './query-util.js';
import { HOUR_MS, hourOf, iso } from './time.js';
import { usageGroups, type UsageSums } from './usage-groups.js';

function usageJson(s: UsageSums) {
  return {
    cost_usd: usd(s.cost_usd),
    calls: s.calls,
    input_tokens: s.input_tokens,
    output_tokens: s.output_tokens,
    cache_read_tokens: s.cache_read_tokens,
    cache_write_tokens: s.cache_write_tokens,
    reasoning_tokens: s.reasoning_tokens,
    unpriced_calls: s.unpriced_calls,
    cache_hit_rate: ratio(s.cache_read_tokens, s.input_tokens),
  };
}

const byCost = (a: { cost_usd: number; calls: number }, b: { cost_usd: number; calls: number }) => b.cost_usd - a.cost_usd || b.calls - a.calls;

/** The window's totals are the usage sums, with the cost as `total_usd`. */
export interface CostDashboard extends Omit<UsageSums, 'cost_usd'> {
  window: string;
  since: string;
  filters: Record<string, string>;
  total_usd: number;
  cache_hit_rate: number | null;
  by_model: (ReturnType<typeof usageJson> & { model: string | null; priced: boolean })[];
  by_agent: (ReturnType<typeof usageJson> & { agent_id: string | null })[];
  hourly: (ReturnType<typeof usageJson> & { hour: string })[];
  handoffs: HandoffCosts;
}

export function costDashboard(db: SqliteDatabase, projects: string[], f: DashboardFilters, now: number, index?: HandoffIndex): CostDashboard {
  const models = usageGroups(db, projects, f, 'model');
  const agents = usageGroups(db, projects, f, 'agent_id');
  const hours = usageGroups(db, projects, f, 'hour');

  const total: UsageSums = { calls: 0, unpriced_calls: 0, input_tokens: 0, output_tokens: 0, cache_read_tokens: 0, cache_write_tokens: 0, reasoning_tokens: 0, cost_usd: 0 };
  for (const m of models) for (const k of Object.keys(total) as (keyof UsageSums)[]) total[k] += m[k];
  const t0 = usageJson(total);

  return {
    window: f.window,
    since: iso(f.since),
    filters: echoFilters(f),
    total_usd: t0.cost_usd,
    calls: t0.calls,
    unpriced_calls: t0.unpriced_calls,
    input_tokens: t0.input_tokens,
    output_tokens: t0.output_tokens,
    cache_read_tokens: t0.cache_read_tokens,
    cache_write_tokens: t0.cache_write_tokens,
    reasoning_tokens: t0.reasoning_tokens,
    cache_hit_rate: t0.cache_hit_rate,
    by_model: models.map((m) => ({ model: orNull(m.model), ...usageJson(m), priced: m.unpriced_calls === 0 })).sort(byCost),
    by_agent: agents.map((a) => ({ agent_id: orNull(a.agent_id), ...usageJson(a) })).sort(byCost),
    hourly: denseHours(hours, f.since, now),
    handoffs: handoffCosts(db, projects, f, index),
  };
}

/** One entry per hour from the window start to now (or the latest data), zeros where nothing happened. */
function denseHours(rows: (UsageSums & { hour: number })[], since: number, now: number): CostDashboard['hourly'] {
  const byHour = new Map(rows.map((r) => [r.hour, r]));
  const last = Math.max(hourOf(now), rows.length ? rows[rows.length - 1].hour : 0);
  const zero: UsageSums = { calls: 0, unpriced_calls: 0, input_tokens: 0, output_tokens: 0, cache_read_tokens: 0, cache_write_tokens: 0, reasoning_tokens: 0, cost_usd: 0 };
  const out: CostDashboard['hourly'] = [];
  for (let h = since; h <= last; h += HOUR_MS) out.push({ hour: iso(h), ...usageJson(byHour.get(h) ?? zero) });
  return out;
}

