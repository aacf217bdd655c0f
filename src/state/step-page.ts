/**
 * The compact form of a chain step stored in chain_step_pages: a JSON tuple per step — the tree's
 * skeleton. Text, model and status are read from the event itself when a chain is opened, so the
 * hot path never writes an event's text twice.
 */

/** [seq, ts, type, agent_id, span_id, parent_span_id, confidence, cost_usd, to_agent] */
export type StepTuple = [number, number, string, string | null, string | null, string | null, number | null, number | null, string | null];

export interface Step {
  seq: number;
  ts: number;
  type: string;
  agent_id: string | null;
  span_id: string | null;
  parent_span_id: string | null;
  confidence: number | null;
  cost_usd: number | null;
  to_agent: string | null;
}

export function fromTuple(t: StepTuple): Step {
  return { seq: t[0], ts: t[1], type: t[2], agent_id: t[3], span_id: t[4], parent_span_id: t[5], confidence: t[6], cost_usd: t[7], to_agent: t[8] };
}
