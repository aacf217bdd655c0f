/** The events the simulator sends: plain contract-shaped objects (see CONTRACT.md "Events"). */

export interface SimUsage {
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens?: number;
  cache_write_tokens?: number;
  reasoning_tokens?: number;
}

export interface SimEvent {
  id: string;
  /** Epoch milliseconds. */
  ts: number;
  type: string;
  agent_id?: string;
  session_id?: string;
  trace_id?: string;
  span_id?: string;
  parent_span_id?: string;
  model?: string;
  usage?: SimUsage;
  confidence?: number;
  data?: Record<string, unknown>;
}

/** An event before the workload stamps its id and time. */
export type SimDraft = Omit<SimEvent, 'id' | 'ts'>;
