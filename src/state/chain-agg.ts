/** In-memory sums for one chain and one (chain, agent) pair over a batch, before they are upserted. */
import type { ChainStatus } from './chain-status.js';
import type { StepTuple } from './step-page.js';

export interface ChainAgg {
  project: string;
  trace: string;
  session: string | null;
  first_ts: number;
  last_ts: number;
  events: number;
  conf_sum: number;
  conf_n: number;
  handoffs: number;
  errors: number;
  cost: number;
  last_type: string;
  last_agent: string | null;
  /** The latest agent.* event with data (its text is the chain's latest thought). */
  text_seq: number | null;
  keep_until: number;
  /** This batch's steps of the chain, in seq order. */
  steps: StepTuple[];
  /** The last status-changing event of the batch. */
  terminal?: { status: ChainStatus; ts: number };
  /** This batch's sums of each agent in the chain, by agent id. */
  agents: Map<string, AgentAgg>;
}

export interface AgentAgg {
  project: string;
  trace: string;
  agent: string;
  handed_from: string | null;
  handoffs_in: number;
  steps: number;
  conf_sum: number;
  conf_n: number;
  first_ts: number;
  last_ts: number;
  cost: number;
  handoff_cost: number;
}

export function newChain(project: string, trace: string, ts: number, type: string): ChainAgg {
  return {
    project, trace, session: null, first_ts: ts, last_ts: ts, events: 0, conf_sum: 0, conf_n: 0, handoffs: 0, errors: 0, cost: 0,
    last_type: type, last_agent: null, text_seq: null, keep_until: 0, steps: [], agents: new Map(),
  };
}

export function newAgent(project: string, trace: string, agent: string, ts: number): AgentAgg {
  return { project, trace, agent, handed_from: null, handoffs_in: 0, steps: 0, conf_sum: 0, conf_n: 0, first_ts: ts, last_ts: ts, cost: 0, handoff_cost: 0 };
}
