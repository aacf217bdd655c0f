/**
 * Folds events into the reasoning state: one chain per trace_id with its steps and agents, handoffs
 * between agents (and the cost the receiving agent then incurs), and hourly rollups per agent.
 */
import type { StoredEvent, Tier } from '../core/event.js';
import type { SqliteDatabase, SqlStatement } from '../runtime/types.js';
import { newAgent, newChain, type AgentAgg, type ChainAgg } from './chain-agg.js';
import { isErrorEvent, terminalStatus } from './chain-status.js';
import { isCostEvent, str, type Data } from './event-facts.js';
import { Rollup } from './rollup.js';
import { ChainStore } from './chain-store.js';
import type { HandoffSink } from './handoff-index.js';
import { hourOf } from './time.js';

const HANDED_FROM_CAP = 200_000;

export const CHAIN_HOURLY_SUMS = ['chains', 'completed', 'failed', 'steps', 'conf_sum', 'conf_n', 'handoffs_out', 'handoffs_in', 'errors'] as const;

/** Adds one step to a chain_hourly row (CHAIN_HOURLY_SUMS order). */
function addStep(r: number[], conf: number | undefined, error: number): void {
  r[3]++;
  if (conf !== undefined) {
    r[4] += conf;
    r[5]++;
  }
  r[8] += error;
}

export class ReasoningWriter {
  /**
   * This batch's chains by project, then trace id (nested rather than keyed by a joined string: the
   * lookup runs for every event, and joining allocates and hashes the whole key each time).
   */
  private readonly chains = new Map<string, Map<string, ChainAgg>>();
  private chainList: ChainAgg[] = [];
  /**
   * Who handed work to (chain, agent): from the handoffs folded here, else read once from the store.
   * Kept across writes (this writer is the only one that sets handed_from, so an entry stays true)
   * and dropped on reset or past HANDED_FROM_CAP entries: re-reading it for every cost event of every
   * write was a sixth of the fold's time. By project, trace id, then agent id.
   */
  private readonly handedFrom = new Map<string, Map<string, Map<string, string | null>>>();
  private handedFromSize = 0;
  readonly hourly: Rollup;
  private readonly handoffs: Rollup;
  private readonly insertPage: SqlStatement;
  private readonly readHandedFrom: SqlStatement;
  private readonly store: ChainStore;

  constructor(db: SqliteDatabase, private readonly retention: Record<Tier, number>, private readonly index: HandoffSink) {
    this.store = new ChainStore(db);
    this.hourly = new Rollup(db, 'chain_hourly', ['project', 'hour', 'agent_id'], CHAIN_HOURLY_SUMS);
    this.handoffs = new Rollup(db, 'handoff_hourly', ['project', 'hour', 'from_agent', 'to_agent'], ['handoffs', 'calls', 'cost_usd']);
    this.insertPage = db.prepare('INSERT INTO chain_step_pages (project, trace_id, first_seq, steps) VALUES (?,?,?,?)');
    this.readHandedFrom = db.prepare('SELECT handed_from FROM chain_agents WHERE project = ? AND trace_id = ? AND agent_id = ?');
  }

  add(e: StoredEvent, d: Data): void {
    const hour = hourOf(e.ts);
    const p = e.project;
    const agent = e.agent_id;
    const to = e.type === 'agent.handoff' ? str(d, 'to_agent') : undefined;
    const from = agent ?? '';
    if (to !== undefined) {
      this.handoffs.bump([p, hour, from, to], 'handoffs', 1);
      this.hourly.bump([p, hour, ''], 'handoffs_out', 1);
      if (agent !== undefined) this.hourly.bump([p, hour, agent], 'handoffs_out', 1);
      this.hourly.bump([p, hour, to], 'handoffs_in', 1);
    }
    const trace = e.trace_id;
    if (trace === undefined) return;

    const status = terminalStatus(e.type, d);
    const error = status === undefined && isErrorEvent(e.type) ? 1 : 0;
    const conf = e.confidence;
    const cost = typeof e.cost_usd === 'number' ? e.cost_usd : 0;
    const chain = this.chain(p, trace, e.ts, e.type);
    chain.events++;
    chain.errors += error;
    chain.cost += cost;
    chain.keep_until = Math.max(chain.keep_until, e.received_at + this.retention[e.tier]);
    if (chain.session === null && e.session_id !== undefined) chain.session = e.session_id;
    if (e.ts < chain.first_ts) chain.first_ts = e.ts;
    if (e.ts >= chain.last_ts) {
      chain.last_ts = e.ts;
      chain.last_type = e.type;
      chain.last_agent = agent ?? null;
    }
    if (e.data_json !== undefined && e.type.startsWith('agent.')) chain.text_seq = e.seq;
    if (conf !== undefined) {
      chain.conf_sum += conf;
      chain.conf_n++;
    }
    if (status !== undefined && (chain.terminal === undefined || e.ts >= chain.terminal.ts)) chain.terminal = { status, ts: e.ts };

    chain.steps.push([e.seq, e.ts, e.type, e.span_id ?? null, e.parent_span_id ?? null]);
    addStep(this.hourly.row(p, hour, ''), conf, error);

    if (agent !== undefined) {
      const a = this.agent(chain, agent, e.ts);
      a.steps++;
      a.cost += cost;
      if (conf !== undefined) {
        a.conf_sum += conf;
        a.conf_n++;
      }
      addStep(this.hourly.row(p, hour, agent), conf, error);
    }
    if (to !== undefined) {
      chain.handoffs++;
      const b = this.agent(chain, to, e.ts);
      b.handoffs_in++;
      b.handed_from = from;
      const known = this.handedFromOf(p, trace);
      if (!known.has(to)) this.handedFromSize++;
      known.set(to, from);
    }
    if (isCostEvent(e)) this.attributeHandoffCost(e, chain, hour, cost, to);
  }

  /**
   * The cost of a handoff is what the receiving agent spends on the handed-over work in that chain
   * (until it is handed work again), plus any cost carried by the handoff event itself.
   */
  private attributeHandoffCost(e: StoredEvent, chain: ChainAgg, hour: number, cost: number, to: string | undefined): void {
    let from: string | null;
    let receiver: string;
    if (to !== undefined) {
      from = e.agent_id ?? '';
      receiver = to;
    } else {
      if (e.agent_id === undefined) return;
      receiver = e.agent_id;
      from = this.lookupHandedFrom(e.project, chain.trace, receiver);
      if (from === null) return;
    }
    this.handoffs.add([e.project, hour, from, receiver], [0, 1, cost]);
    this.agent(chain, receiver, e.ts).handoff_cost += cost;
  }

  private handedFromOf(project: string, trace: string): Map<string, string | null> {
    let byTrace = this.handedFrom.get(project);
    if (!byTrace) this.handedFrom.set(project, (byTrace = new Map()));
    let byAgent = byTrace.get(trace);
    if (!byAgent) byTrace.set(trace, (byAgent = new Map()));
    return byAgent;
  }

  private lookupHandedFrom(project: string, trace: string, agent: string): string | null {
    const known = this.handedFromOf(project, trace);
    let v = known.get(agent);
    if (v === undefined) {
      v = this.readHandedFrom.get<{ handed_from: string | null }>(project, trace, agent)?.handed_from ?? null;
      known.set(agent, v);
      this.handedFromSize++;
    }
    return v;
  }

  private chain(project: string, trace: string, ts: number, type: string): ChainAgg {
    let byTrace = this.chains.get(project);
    if (!byTrace) this.chains.set(project, (byTrace = new Map()));
    let c = byTrace.get(trace);
    if (!c) {
      byTrace.set(trace, (c = newChain(project, trace, ts, type)));
      this.chainList.push(c);
    }
    return c;
  }

  private agent(chain: ChainAgg, agent: string, ts: number): AgentAgg {
    let a = chain.agents.get(agent);
    if (!a) chain.agents.set(agent, (a = newAgent(chain.project, chain.trace, agent, ts)));
    if (ts < a.first_ts) a.first_ts = ts;
    if (ts > a.last_ts) a.last_ts = ts;
    return a;
  }

  private clearBatch(): void {
    this.chains.clear();
    this.chainList = [];
  }

  /** Forgets a batch whose transaction failed (it will be applied again from the log). */
  reset(): void {
    this.clearBatch();
    this.handedFrom.clear();
    this.handedFromSize = 0;
    this.hourly.clear();
    this.handoffs.clear();
  }

  flush(): void {
    const chains = this.chainList;
    // One page row per chain per batch: far cheaper than a row per step.
    for (const c of chains) this.insertPage.run(c.project, c.trace, c.steps[0][0], JSON.stringify(c.steps));
    this.store.flushAgents(agentsOf(chains), this.hourly);
    this.store.flushChains(chains, this.hourly);
    this.clearBatch();
    if (this.handedFromSize > HANDED_FROM_CAP) {
      this.handedFrom.clear();
      this.handedFromSize = 0;
    }
    this.hourly.flush();
    this.handoffs.flush((k, s) => this.index.stage(k[0] as string, k[1] as number, k[2] as string, k[3] as string, s[0], s[1], s[2]));
  }
}

function* agentsOf(chains: readonly ChainAgg[]): Iterable<AgentAgg> {
  for (const c of chains) yield* c.agents.values();
}
