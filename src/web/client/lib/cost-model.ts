/** The cost dashboard's data (GET /v1/dashboards/cost or a live "cost" frame), read tolerantly. */
import { asArr, asObj, num, str, timeMs } from './loose.js';

export interface ModelCost {
  model: string;
  cost: number;
  calls: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  priced: boolean;
}

export interface CostView {
  total: number;
  /** 0..1, or undefined when no tokens were counted. */
  cacheHitRate: number | undefined;
  calls: number;
  unpricedCalls: number;
  byModel: ModelCost[];
  byAgent: { agent: string; cost: number; calls: number }[];
  /** Hour starts (epoch seconds) with cost and cache-hit rate, oldest first. */
  hourly: { t: number; cost: number; calls: number; cacheHitRate: number | null }[];
  handoffCost: number | undefined;
  handoffs: number | undefined;
  window: string | undefined;
}

function hitRate(cacheRead: number | undefined, input: number | undefined): number | null {
  return cacheRead !== undefined && input ? cacheRead / input : null;
}

export function costView(raw: unknown): CostView {
  const o = asObj(raw) ?? {};
  const byModel: ModelCost[] = asArr(o.by_model).flatMap((x) => {
    const m = asObj(x);
    if (!m) return [];
    return [{
      model: str(m, 'model') ?? '(no model)',
      cost: num(m, 'cost_usd', 'total_usd') ?? 0,
      calls: num(m, 'calls', 'count', 'events') ?? 0,
      inputTokens: num(m, 'input_tokens') ?? 0,
      outputTokens: num(m, 'output_tokens') ?? 0,
      cacheReadTokens: num(m, 'cache_read_tokens') ?? 0,
      priced: m.priced !== false,
    }];
  }).sort((a, b) => b.cost - a.cost || b.calls - a.calls);
  const byAgent = asArr(o.by_agent).flatMap((x) => {
    const a = asObj(x);
    if (!a) return [];
    // Usage sent without an agent_id is still spend: show it, named as such.
    return [{ agent: str(a, 'agent_id', 'agent') ?? '(no agent)', cost: num(a, 'cost_usd', 'total_usd') ?? 0, calls: num(a, 'calls', 'count', 'events') ?? 0 }];
  }).sort((a, b) => b.cost - a.cost || b.calls - a.calls);
  const hourly = asArr(o.hourly).flatMap((x) => {
    const h = asObj(x);
    const t = timeMs(h?.hour ?? h?.ts ?? h?.t ?? h?.start ?? h?.bucket);
    if (!h || t === undefined) return [];
    const rate = num(h, 'cache_hit_rate');
    return [{
      t: Math.floor(t / 1000),
      cost: num(h, 'cost_usd', 'total_usd') ?? 0,
      calls: num(h, 'calls', 'count') ?? 0,
      cacheHitRate: rate ?? hitRate(num(h, 'cache_read_tokens'), num(h, 'input_tokens')),
    }];
  }).sort((a, b) => a.t - b.t);
  const input = byModel.reduce((a, m) => a + m.inputTokens, 0);
  const cached = byModel.reduce((a, m) => a + m.cacheReadTokens, 0);
  const unpriced = num(o, 'unpriced_calls', 'unpriced') ?? byModel.filter((m) => !m.priced).reduce((a, m) => a + m.calls, 0);
  return {
    total: num(o, 'total_usd', 'cost_usd') ?? byModel.reduce((a, m) => a + m.cost, 0),
    cacheHitRate: num(o, 'cache_hit_rate') ?? (input > 0 ? cached / input : undefined),
    calls: num(o, 'calls', 'total_calls') ?? byModel.reduce((a, m) => a + m.calls, 0),
    unpricedCalls: unpriced,
    byModel,
    byAgent,
    hourly,
    handoffCost: num(o, 'handoff_cost_usd') ?? num(asObj(o.handoffs), 'cost_usd'),
    handoffs: num(asObj(o.handoffs), 'count'),
    window: str(o, 'window'),
  };
}
