/**
 * Sums of the cost rollups grouped by one column, from the narrowest table that holds the filtered
 * dimensions: per model or per agent (no filter), agent × model (agent or model filter), or per
 * session (session filter, through its index — the planner would otherwise scan the window).
 */
import type { SqliteDatabase, SqlValue } from '../runtime/types.js';
import { USAGE_SUMS } from './cost-writer.js';
import type { DashboardFilters } from './filters.js';

export interface UsageSums {
  calls: number;
  unpriced_calls: number;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  reasoning_tokens: number;
  cost_usd: number;
}

export type GroupBy = 'model' | 'agent_id' | 'hour';

// total() never overflows (absurd token counts from senders would make SUM() fail).
const SUMS = USAGE_SUMS.map((c) => `total(${c}) AS ${c}`).join(', ');

function source(f: DashboardFilters, by: GroupBy): string {
  if (f.session !== undefined) return 'cost_session_hourly INDEXED BY cost_session_hourly_session';
  const agent = f.agent !== undefined || by === 'agent_id';
  const model = f.model !== undefined || by === 'model';
  if (agent && model) return 'cost_hourly';
  if (agent) return 'cost_agent_hourly';
  return 'cost_model_hourly';
}

export function usageGroups<K extends GroupBy>(db: SqliteDatabase, projects: readonly string[], f: DashboardFilters, by: K): (UsageSums & Record<K, K extends 'hour' ? number : string>)[] {
  if (projects.length === 0) return [];
  const where = [`project IN (${projects.map(() => '?').join(', ')})`, 'hour >= ?'];
  const params: SqlValue[] = [...projects, f.since];
  if (f.session !== undefined) {
    where.push('session_id = ?');
    params.push(f.session);
  }
  if (f.agent !== undefined) {
    where.push('agent_id = ?');
    params.push(f.agent);
  }
  if (f.model !== undefined) {
    where.push('model = ?');
    params.push(f.model);
  }
  const order = by === 'hour' ? ' ORDER BY hour' : '';
  return db.prepare(`SELECT ${by}, ${SUMS} FROM ${source(f, by)} WHERE ${where.join(' AND ')} GROUP BY ${by}${order}`).all(...params);
}
