/**
 * Folds learning events into hourly and all-time counts: memories formed/recalled by memory_type,
 * hypotheses by event and status, knowledge-graph nodes and edges by type.
 */
import type { StoredEvent, Tier } from '../core/event.js';
import type { SqliteDatabase } from '../runtime/types.js';
import { str, type Data } from './event-facts.js';
import { HypothesisTracker } from './hypothesis-tracker.js';
import { Rollup } from './rollup.js';
import { hourOf } from './time.js';

const LEARNING = /^(memory|hypothesis|knowledge)\./;

/** The breakdown a learning event is counted under (memory type, node type, relation). */
function subtypeOf(type: string, d: Data): string {
  if (type.startsWith('memory.')) return str(d, 'memory_type', 64) ?? 'unspecified';
  // Only declared types: labels are free text and would explode the rollup.
  if (type === 'knowledge.node_added') return str(d, 'node_type', 64) ?? str(d, 'kind', 64) ?? '';
  if (type === 'knowledge.edge_added') return str(d, 'relation', 64) ?? str(d, 'edge_type', 64) ?? str(d, 'kind', 64) ?? '';
  return '';
}

export class LearningWriter {
  private readonly hourly: Rollup;
  private readonly allAgents: Rollup;
  private readonly totals: Rollup;
  private readonly hypotheses: HypothesisTracker;

  constructor(db: SqliteDatabase, retention: Record<Tier, number>) {
    this.hourly = new Rollup(db, 'learning_hourly', ['project', 'hour', 'agent_id', 'kind', 'subtype'], ['n']);
    this.allAgents = new Rollup(db, 'learning_all_hourly', ['project', 'hour', 'kind', 'subtype'], ['n']);
    this.totals = new Rollup(db, 'learning_totals', ['project', 'agent_id', 'kind', 'subtype'], ['n']);
    this.hypotheses = new HypothesisTracker(db, retention);
  }

  add(e: StoredEvent, d: Data): void {
    if (!LEARNING.test(e.type)) return;
    const agent = e.agent_id ?? '';
    const sub = subtypeOf(e.type, d);
    this.hourly.add([e.project, hourOf(e.ts), agent, e.type, sub], [1]);
    this.totals.add([e.project, agent, e.type, sub], [1]);
    if (e.type.startsWith('hypothesis.')) this.hypotheses.add(e, d, this.hourly);
  }

  reset(): void {
    this.hypotheses.reset();
    this.hourly.clear();
    this.allAgents.clear();
    this.totals.clear();
  }

  flush(): void {
    this.hypotheses.flush();
    this.hourly.flush((k, s) => this.allAgents.add([k[0], k[1], k[3], k[4]], s));
    this.allAgents.flush();
    this.totals.flush();
  }
}
