/** The one-line summary of an event shown in the feed: what a person wants to read at a glance. */
import { clip, count, usd } from './format.js';
import type { WireEvent } from './types.js';

const MAX = 200;
/** Fields of `data` that already are a human sentence, in order of preference. */
const TEXT_FIELDS = ['message', 'text', 'summary', 'content', 'error', 'reason', 'description', 'title', 'name'];

function obj(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

function special(e: WireEvent, d: Record<string, unknown> | undefined): string | undefined {
  if (e.type === 'llm.call' || (e.usage && e.model)) {
    const u = e.usage ?? {};
    const cache = u.cache_read_tokens ? ` (${count(u.cache_read_tokens)} cached)` : '';
    const cost = e.cost_usd !== undefined ? ` · ${e.cost_usd === null ? 'unpriced' : usd(e.cost_usd)}` : '';
    return `${e.model ?? 'model?'} · ${count(u.input_tokens ?? 0)} in${cache} → ${count(u.output_tokens ?? 0)} out${cost}`;
  }
  if (!d) return undefined;
  if (e.type === 'agent.handoff' && str(d.to_agent)) {
    const why = str(d.reason) ?? str(d.text) ?? str(d.message);
    return `→ ${str(d.to_agent)}${why ? ` · ${why}` : ''}`;
  }
  if (e.type.startsWith('biometric.') && str(d.metric)) {
    const unit = str(d.unit) ? ` ${str(d.unit)}` : '';
    const msg = str(d.message);
    return `${str(d.metric)} = ${str(d.value) ?? '?'}${unit}${msg ? ` · ${msg}` : ''}`;
  }
  if (e.type.startsWith('hypothesis.') && str(d.hypothesis_id)) {
    const text = str(d.text) ?? str(d.statement) ?? '';
    return `${str(d.hypothesis_id)}${str(d.status) ? ` [${str(d.status)}]` : ''}${text ? ` · ${text}` : ''}`;
  }
  if (e.type.startsWith('memory.') && str(d.memory_type)) {
    const text = str(d.text) ?? str(d.content) ?? str(d.key) ?? '';
    return `${str(d.memory_type)}${text ? ` · ${text}` : ''}`;
  }
  if (e.type === 'storm.started' && str(d.event_type)) {
    return `${str(d.event_type)} is repeating: repeats held back and shown as one row per window (${str(d.repeats) ?? '?'} so far)`;
  }
  if (e.type === 'storm.ended' && str(d.event_type)) {
    const secs = typeof d.duration_ms === 'number' ? ` after ${(d.duration_ms / 1000).toFixed(1)} s` : '';
    return `${str(d.event_type)} storm over${secs}: ${str(d.coalesced) ?? '?'} repeats coalesced (${str(d.reason) ?? 'quiet'})`;
  }
  if (e.type === 'knowledge.node_added') {
    const id = str(d.node_id) ?? str(d.id);
    const name = str(d.label) ?? str(d.name) ?? id;
    const kind = str(d.kind) ?? str(d.node_type) ?? str(d.type);
    // "habit: nap (n1)"; the kind is left out when the id already says it (habit-12).
    if (name) return `${kind && !id?.startsWith(kind) ? `${kind}: ` : ''}${name}${id && id !== name ? ` (${id})` : ''}`;
  }
  if (e.type === 'knowledge.edge_added') {
    const from = str(d.from) ?? str(d.source) ?? str(d.from_node);
    const to = str(d.to) ?? str(d.target) ?? str(d.to_node);
    if (from && to) return `${from} —${str(d.relation) ?? str(d.type) ?? ''}→ ${to}`;
  }
  if (e.type.startsWith('tool.') && str(d.tool)) {
    const detail = str(d.error) ?? str(d.message) ?? str(d.query) ?? '';
    return `${str(d.tool)}${detail ? ` · ${detail}` : ''}`;
  }
  return undefined;
}

export function summarize(e: WireEvent): string {
  const d = obj(e.data);
  const s = special(e, d);
  if (s !== undefined) return clip(oneLine(s), MAX);
  if (d) {
    for (const f of TEXT_FIELDS) {
      const v = str(d[f]);
      if (v) return clip(oneLine(v), MAX);
    }
  } else if (e.data !== undefined) {
    const v = str(e.data);
    if (v) return clip(oneLine(v), MAX);
  }
  if (e.data === undefined) return e.trace_id ? `trace ${e.trace_id}` : '';
  let json: string;
  try {
    json = JSON.stringify(e.data);
  } catch {
    json = '';
  }
  return clip(json, MAX);
}
