/**
 * The benchmark workload: realistic multi-agent events (~500 bytes of JSON each) — LLM calls with
 * usage, reasoning steps linked into traces, tool calls, memories, hypotheses, biometrics and a few
 * errors — generated deterministically from a seed so every run sends the same bytes.
 */
import { Rand } from './rand.js';

const WORDS = ('the agent plan step search result user query answer context document tool call retry summary ' +
  'reason check verify source cite price order account invoice refund policy customer ticket update status ' +
  'error timeout found missing compare option choose best because therefore next then data table report ' +
  'memory recall fact learned hypothesis test confirm reject evidence graph node edge relation model cost ' +
  'token budget limit latency cache hit miss write read file code patch test pass fail review merge').split(' ');
const MODELS = ['gpt-4o', 'gpt-4o-mini', 'claude-sonnet-4-20250514', 'claude-3-5-haiku-20241022', 'gemini-2.0-flash', 'llama-3.1-70b-internal'];
const TOOLS = ['web_search', 'sql_query', 'read_file', 'http_get', 'calculator', 'vector_search'];
const MEMORY = ['episodic', 'semantic', 'procedural'];
const METRICS = ['heart_rate', 'hrv', 'skin_temp', 'focus_score'];

/** Event kinds and their share of the stream (cumulative weights are built below). */
const MIX: [string, number][] = [
  ['llm.call', 30], ['agent.step', 18], ['tool.call', 12], ['agent.thought', 10], ['agent.decision', 5],
  ['biometric.reading', 5], ['memory.formed', 4], ['memory.recalled', 3], ['hypothesis.updated', 3],
  ['knowledge.node_added', 2], ['knowledge.edge_added', 2], ['agent.handoff', 2], ['metric.tokens_per_s', 2],
  ['agent.error', 1], ['tool.failed', 1],
];
const TOTAL = MIX.reduce((s, [, w]) => s + w, 0);

interface Trace {
  id: string;
  agent: string;
  session: string;
  lastSpan: string | undefined;
}

export interface WorkloadOptions {
  seed?: number;
  /** Timestamp of the first event (epoch ms) and the gap between events; default now, 0. */
  startMs?: number;
  stepMs?: number;
}

export class Workload {
  private readonly r: Rand;
  private readonly traces: Trace[] = [];
  private ts: number;
  private count = 0;
  private readonly step: number;

  constructor(o: WorkloadOptions = {}) {
    this.r = new Rand(o.seed ?? 42);
    this.ts = o.startMs ?? Date.now();
    this.step = o.stepMs ?? 0;
    for (let i = 0; i < 200; i++) this.traces.push(this.newTrace());
  }

  private newTrace(): Trace {
    const agent = `agent-${String(this.r.int(0, 49)).padStart(2, '0')}`;
    return { id: this.r.hex(32), agent, session: `sess-${this.r.hex(12)}`, lastSpan: undefined };
  }

  private text(min: number, max: number): string {
    const n = this.r.int(min, max);
    const w: string[] = [];
    for (let i = 0; i < n; i++) w.push(this.r.skewed(WORDS));
    return w.join(' ');
  }

  private kind(): string {
    let x = this.r.next() * TOTAL;
    for (const [k, w] of MIX) if ((x -= w) < 0) return k;
    return 'agent.step';
  }

  /** The next event, as a client would send it (no id: the server assigns one). */
  next(): Record<string, unknown> {
    const r = this.r;
    const slot = r.int(0, this.traces.length - 1);
    if (r.next() < 0.02) this.traces[slot] = this.newTrace();
    const t = this.traces[slot];
    const span = r.hex(16);
    const type = this.kind();
    const e: Record<string, unknown> = {
      ts: new Date(this.ts).toISOString(), type, agent_id: t.agent, session_id: t.session, trace_id: t.id, span_id: span,
    };
    this.ts += this.step;
    if (t.lastSpan) e.parent_span_id = t.lastSpan;
    t.lastSpan = span;
    // A client-side event number first in data: unique per event, and the slot where loaders that replay
    // pre-built bodies write a fresh number per request (see UNIQUE_SLOT), so no two sends repeat.
    e.data = { n: this.count++, ...this.data(type, e) };
    return e;
  }

  private data(type: string, e: Record<string, unknown>): Record<string, unknown> {
    const r = this.r;
    switch (type) {
      case 'llm.call': {
        e.model = r.skewed(MODELS);
        const input = r.int(200, 8000);
        e.usage = { input_tokens: input, output_tokens: r.int(20, 1200), cache_read_tokens: r.next() < 0.4 ? r.int(0, input) : 0 };
        return { prompt_preview: this.text(24, 40), finish_reason: r.pick(['stop', 'stop', 'length', 'tool_calls']), latency_ms: r.int(180, 9000) };
      }
      case 'agent.step': case 'agent.thought': case 'agent.decision':
        e.confidence = Math.round(r.next() * 1000) / 1000;
        return { text: this.text(24, 46), step_index: r.int(0, 30) };
      case 'agent.handoff':
        return { to_agent: `agent-${String(r.int(0, 49)).padStart(2, '0')}`, reason: this.text(14, 24) };
      case 'tool.call': case 'tool.failed':
        return { tool: r.pick(TOOLS), args: { query: this.text(18, 30) }, duration_ms: r.int(3, 4000), status: type === 'tool.failed' ? 'error' : 'ok' };
      case 'agent.error':
        return { message: this.text(16, 28), severity: 'critical', retryable: r.next() < 0.5 };
      case 'memory.formed': case 'memory.recalled':
        return { memory_type: r.pick(MEMORY), memory_id: `mem-${r.hex(10)}`, content: this.text(20, 36) };
      case 'hypothesis.updated':
        return { hypothesis_id: `hyp-${r.int(0, 400)}`, status: r.pick(['open', 'testing', 'validated', 'rejected']), statement: this.text(18, 30) };
      case 'knowledge.node_added': case 'knowledge.edge_added':
        return { node_id: `n-${r.hex(8)}`, label: this.text(2, 5), note: this.text(8, 16), relation: r.pick(['cites', 'causes', 'part_of', 'contradicts']), to: `n-${r.hex(8)}` };
      case 'biometric.reading':
        return { metric: r.pick(METRICS), value: Math.round(r.next() * 10000) / 100, unit: 'au', device: `dev-${r.hex(6)}`, note: this.text(6, 12) };
      default:
        return { value: Math.round(r.next() * 1e5) / 100, window_s: 60, note: this.text(8, 16) };
    }
  }

  batch(n: number): Record<string, unknown>[] {
    const out: Record<string, unknown>[] = [];
    for (let i = 0; i < n; i++) out.push(this.next());
    return out;
  }
}

/**
 * Where each workload event carries its number (`"data":{"n":123,`). Replaying the same bodies would
 * look like a retry storm to Auren's storm control (repeats within a second are held back from the live
 * stream), so loaders renumber this slot on every send, like a real client numbering its events.
 */
export const UNIQUE_SLOT = /"data":\{"n":\d+,/g;
export const SLOT_PREFIX = '"data":{"n":';

/** Splits a body at its number slots: parts[0] n parts[1] n … parts[k], each n filled in per send. */
export function splitSlots(body: string): string[] {
  const parts: string[] = [];
  let pos = 0;
  for (const m of body.matchAll(UNIQUE_SLOT)) {
    parts.push(body.slice(pos, m.index + SLOT_PREFIX.length));
    pos = m.index + m[0].length - 1;
  }
  parts.push(body.slice(pos));
  return parts;
}

/** A sender of fresh bodies: each call renumbers the slots with the next numbers of this process. */
export function renumberer(prefix: number): (parts: readonly string[]) => string {
  let next = prefix * 1e9;
  return (parts) => {
    let out = parts[0];
    for (let i = 1; i < parts.length; i++) out += next++ + parts[i];
    return out;
  };
}

/** NDJSON body of n events. */
export function ndjson(events: readonly Record<string, unknown>[]): string {
  return events.map((e) => JSON.stringify(e)).join('\n') + '\n';
}
