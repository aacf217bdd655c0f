/** The learning dashboard's hourly series: one entry per hour of the window, zeros where quiet. */
import { HOUR_MS, hourOf, iso } from './time.js';

export interface HourCounts {
  hour: string;
  memories_formed: number;
  memories_recalled: number;
  hypotheses_created: number;
  hypotheses_validated: number;
  hypotheses_rejected: number;
  nodes_added: number;
  edges_added: number;
  /** Memories formed + hypotheses validated + knowledge nodes and edges added. */
  learning_events: number;
}

export function learningHourlySeries(rows: { hour: number; kind: string; subtype: string; n: number }[], since: number, now: number): HourCounts[] {
  const byHour = new Map<number, HourCounts>();
  let last = hourOf(now);
  const at = (h: number) => {
    let c = byHour.get(h);
    if (!c) {
      c = { hour: iso(h), memories_formed: 0, memories_recalled: 0, hypotheses_created: 0, hypotheses_validated: 0, hypotheses_rejected: 0, nodes_added: 0, edges_added: 0, learning_events: 0 };
      byHour.set(h, c);
    }
    return c;
  };
  for (const r of rows) {
    if (r.hour > last) last = r.hour;
    const c = at(r.hour);
    switch (r.kind) {
      case 'memory.formed': c.memories_formed += r.n; break;
      case 'memory.recalled': c.memories_recalled += r.n; break;
      case 'hypothesis.created': c.hypotheses_created += r.n; break;
      case 'knowledge.node_added': c.nodes_added += r.n; break;
      case 'knowledge.edge_added': c.edges_added += r.n; break;
      case 'hypothesis.status':
        if (r.subtype === 'validated') c.hypotheses_validated += r.n;
        if (r.subtype === 'rejected') c.hypotheses_rejected += r.n;
        break;
    }
  }
  const out: HourCounts[] = [];
  for (let h = since; h <= last; h += HOUR_MS) {
    const c = at(h);
    c.learning_events = c.memories_formed + Math.max(0, c.hypotheses_validated) + c.nodes_added + c.edges_added;
    out.push(c);
  }
  return out;
}
