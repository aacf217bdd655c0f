/**
 * The compact form of a chain step stored in chain_step_pages: a JSON tuple per step — only the
 * tree's skeleton. Agent, confidence, cost, model and text are read from the event itself when a
 * chain is opened, so the hot path writes as little as possible.
 */

/** [seq, ts, type, span_id, parent_span_id] */
export type StepTuple = [number, number, string, string | null, string | null];

export interface Step {
  seq: number;
  ts: number;
  type: string;
  span_id: string | null;
  parent_span_id: string | null;
}

export function fromTuple(t: StepTuple): Step {
  return { seq: t[0], ts: t[1], type: t[2], span_id: t[3], parent_span_id: t[4] };
}
