/** Folds cost events (usage or cost_usd) into the hourly cost rollups: by agent × model, and by session. */
import type { StoredEvent } from '../core/event.js';
import type { SqliteDatabase } from '../runtime/types.js';
import { isCostEvent } from './event-facts.js';
import { Rollup } from './rollup.js';
import { hourOf } from './time.js';

export const USAGE_SUMS = ['calls', 'unpriced_calls', 'input_tokens', 'output_tokens', 'cache_read_tokens', 'cache_write_tokens', 'reasoning_tokens', 'cost_usd'] as const;

/** Adds one cost event to a row of USAGE_SUMS. */
function addUsage(r: number[], e: StoredEvent, cost: number): void {
  const u = e.usage;
  r[0]++;
  if (typeof e.cost_usd !== 'number') r[1]++;
  if (u !== undefined) {
    r[2] += u.input_tokens ?? 0;
    r[3] += u.output_tokens ?? 0;
    r[4] += u.cache_read_tokens ?? 0;
    r[5] += u.cache_write_tokens ?? 0;
    r[6] += u.reasoning_tokens ?? 0;
  }
  r[7] += cost;
}

export class CostWriter {
  private readonly hourly: Rollup;
  private readonly sessionHourly: Rollup;
  private readonly modelHourly: Rollup;
  private readonly agentHourly: Rollup;

  constructor(db: SqliteDatabase) {
    this.hourly = new Rollup(db, 'cost_hourly', ['project', 'hour', 'agent_id', 'model'], USAGE_SUMS);
    this.sessionHourly = new Rollup(db, 'cost_session_hourly', ['project', 'hour', 'session_id', 'agent_id', 'model'], USAGE_SUMS);
    this.modelHourly = new Rollup(db, 'cost_model_hourly', ['project', 'hour', 'model'], USAGE_SUMS);
    this.agentHourly = new Rollup(db, 'cost_agent_hourly', ['project', 'hour', 'agent_id'], USAGE_SUMS);
  }

  add(e: StoredEvent): void {
    if (!isCostEvent(e)) return;
    const cost = typeof e.cost_usd === 'number' ? e.cost_usd : 0;
    const hour = hourOf(e.ts);
    const p = e.project;
    const agent = e.agent_id ?? '';
    const model = e.model ?? '';
    addUsage(this.hourly.row(p, hour, agent, model), e, cost);
    const session = e.session_id;
    if (session !== undefined) addUsage(this.sessionHourly.row(p, hour, session, agent, model), e, cost);
  }

  flush(): void {
    // The per-model and per-agent rollups are sums of the agent × model rows, derived at flush.
    this.hourly.flush((k, s) => {
      this.modelHourly.add([k[0], k[1], k[3]], s);
      this.agentHourly.add([k[0], k[1], k[2]], s);
    });
    this.sessionHourly.flush();
    this.modelHourly.flush();
    this.agentHourly.flush();
  }

  reset(): void {
    this.hourly.clear();
    this.sessionHourly.clear();
    this.modelHourly.clear();
    this.agentHourly.clear();
  }
}
