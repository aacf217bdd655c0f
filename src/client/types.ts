/** Event and frame types of the Auren contract, for typed `emit` calls and stream handlers. */

export type Tier = 'critical' | 'operational' | 'analytical';

export interface Usage {
  /** Total input, INCLUDING cache reads and writes (the OpenTelemetry convention). */
  input_tokens?: number;
  output_tokens?: number;
  cache_read_tokens?: number;
  cache_write_tokens?: number;
  reasoning_tokens?: number;
}

/** Fields every event may carry. `type` is dotted lowercase, e.g. "llm.call". */
export interface BaseEvent<T extends string = string, D = Record<string, unknown>> {
  type: T;
  /** Dedup key; the client sets a UUIDv7 when absent, so a retried batch never double-counts. */
  id?: string;
  /** Epoch milliseconds or RFC 3339; the client sets the time of `emit` when absent. */
  ts?: number | string;
  tier?: Tier;
  agent_id?: string;
  session_id?: string;
  trace_id?: string;
  span_id?: string;
  parent_span_id?: string;
  model?: string;
  usage?: Usage;
  cost_usd?: number;
  confidence?: number;
  data?: D;
}

export type LlmCall = BaseEvent<'llm.call'> & { model: string; usage: Usage };
export type AgentThought = BaseEvent<'agent.thought', { text: string; [k: string]: unknown }>;
export type AgentStep = BaseEvent<'agent.step'>;
export type AgentDecision = BaseEvent<'agent.decision', { text: string; [k: string]: unknown }>;
export type AgentHandoff = BaseEvent<'agent.handoff', { to_agent: string; [k: string]: unknown }>;
export type ToolCall = BaseEvent<'tool.call'>;
export type MemoryFormed = BaseEvent<'memory.formed', { memory_type: string; [k: string]: unknown }>;
export type MemoryRecalled = BaseEvent<'memory.recalled'>;
export type HypothesisEvent = BaseEvent<
  'hypothesis.created' | 'hypothesis.updated' | 'hypothesis.validated' | 'hypothesis.rejected',
  { hypothesis_id: string; status?: string; [k: string]: unknown }
>;
export type KnowledgeEvent = BaseEvent<'knowledge.node_added' | 'knowledge.edge_added'>;
export type BiometricReading = BaseEvent<'biometric.reading', { metric: string; value: number; [k: string]: unknown }>;
export type ErrorEvent = BaseEvent<`${string}.error` | `${string}.failed` | 'system.alert' | 'biometric.alert'>;

/** The contract's well-known types; any other dotted lowercase type is accepted too. */
export type KnownEvent =
  | LlmCall
  | AgentThought
  | AgentStep
  | AgentDecision
  | AgentHandoff
  | ToolCall
  | MemoryFormed
  | MemoryRecalled
  | HypothesisEvent
  | KnowledgeEvent
  | BiometricReading
  | ErrorEvent;

export type AurenEvent = KnownEvent | BaseEvent;

/** An event as the server stores and streams it. */
export interface StoredEvent extends BaseEvent {
  id: string;
  seq: number;
  ts: string;
  received_at: string;
  project: string;
  tier: Tier;
  cost_usd?: number;
}

export type StreamFrame =
  /** `resume`: every event up to this seq has been sent to this client (a safe `since`). */
  | { type: 'events'; tier: Tier; resume?: number; events: StoredEvent[] }
  | { type: 'replay_done'; seq: number }
  | { type: 'lagged'; dropped: number; tiers: Partial<Record<Tier, number>> }
  | { type: 'heartbeat'; seq: number }
  | { type: 'pong' }
  | { type: 'dashboard'; name: string; project: string; data: unknown }
  | { type: 'subscribed'; filter: unknown }
  | { type: 'error'; error: string };

export interface StreamFilter {
  tiers?: Tier[] | string;
  types?: string[] | string;
  agents?: string[] | string;
  sessions?: string[] | string;
  traces?: string[] | string;
  dashboards?: string[] | string;
}
