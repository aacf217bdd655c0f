/** Wire shapes the pages receive: stream frames and events as the server sends them. */

export type Tier = 'critical' | 'operational' | 'analytical';
export const TIERS: readonly Tier[] = ['critical', 'operational', 'analytical'];

export interface Usage {
  input_tokens?: number;
  output_tokens?: number;
  cache_read_tokens?: number;
  cache_write_tokens?: number;
  reasoning_tokens?: number;
}

/** An event as streamed (times are RFC 3339 strings). Storm summaries add `repeat_count`. */
export interface WireEvent {
  seq: number;
  id: string;
  ts: string;
  received_at?: string;
  project?: string;
  tier: Tier;
  type: string;
  agent_id?: string;
  session_id?: string;
  trace_id?: string;
  span_id?: string;
  parent_span_id?: string;
  model?: string;
  usage?: Usage;
  cost_usd?: number | null;
  confidence?: number;
  data?: unknown;
  /** Storm summaries: how many repeats this entry stands for, and their span. */
  repeat_count?: number;
  first_seq?: number;
  first_ts?: string;
}

export interface EventsFrame {
  type: 'events';
  tier: Tier;
  /** A safe point to resume from with since= (every event up to it has been sent). */
  resume?: number;
  events: WireEvent[];
}

export interface DashboardFrame {
  type: 'dashboard';
  name: string;
  project?: string;
  data: unknown;
}

/** Any frame; the known ones are narrowed by `type`. */
export type Frame =
  | EventsFrame
  | DashboardFrame
  | { type: 'replay_done'; seq: number }
  | { type: 'heartbeat'; seq: number }
  | { type: 'lagged'; dropped: number; tiers?: Record<string, number> }
  | { type: 'pong' | 'subscribed' | 'error'; [k: string]: unknown };

/** What GET /ui/session says about the caller. */
export interface SessionInfo {
  auth_enabled: boolean;
  authenticated: boolean;
  reason?: string;
  role?: 'read' | 'ingest' | 'admin';
  project?: string;
  last_seq?: number;
  version?: string;
}
