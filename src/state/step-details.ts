/**
 * Reads what a step shows beyond the tree skeleton — agent, confidence, cost, model, handoff
 * target, one-line text, status, duration — from the stored events by seq. An event that
 * retention already swept simply adds nothing.
 */
import { inArray } from 'drizzle-orm';
import type { SqliteDatabase } from '../runtime/types.js';
import { events } from '../store/sqlite/schema.js';
import { num, parseData, str, summaryOf } from './event-facts.js';

const CHUNK = 500;

export interface StepDetail {
  agent_id?: string;
  confidence?: number;
  cost_usd?: number;
  model?: string;
  to_agent?: string;
  text?: string;
  status?: string;
  duration_ms?: number;
}

export function stepDetails(db: SqliteDatabase, seqs: readonly number[]): Map<number, StepDetail> {
  const out = new Map<number, StepDetail>();
  for (let i = 0; i < seqs.length; i += CHUNK) {
    const rows = db.orm
      .select({ seq: events.seq, type: events.type, agent_id: events.agent_id, confidence: events.confidence, cost_usd: events.cost_usd, model: events.model, data: events.data })
      .from(events)
      .where(inArray(events.seq, seqs.slice(i, i + CHUNK) as number[]))
      .all();
    for (const r of rows) {
      const d = parseData(r.data);
      const x: StepDetail = {};
      if (r.agent_id !== null) x.agent_id = r.agent_id;
      if (r.confidence !== null) x.confidence = r.confidence;
      if (r.cost_usd !== null) x.cost_usd = r.cost_usd;
      if (r.model !== null) x.model = r.model;
      const to = r.type === 'agent.handoff' ? str(d, 'to_agent') : undefined;
      if (to !== undefined) x.to_agent = to;
      const text = summaryOf(d);
      if (text !== null) x.text = text;
      const status = str(d, 'status', 32);
      if (status !== undefined) x.status = status;
      const duration = num(d, 'duration_ms') ?? num(d, 'latency_ms');
      if (duration !== undefined) x.duration_ms = duration;
      out.set(r.seq, x);
    }
  }
  return out;
}
