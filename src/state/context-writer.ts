/**
 * Keeps context beside agents and sessions: when each agent was last seen, and the latest
 * biometric reading (data.metric, data.value) per metric for the agent and the session it names.
 */
import type { StoredEvent, Tier } from '../core/event.js';
import type { SqliteDatabase, SqlStatement } from '../runtime/types.js';
import { num, str, type Data } from './event-facts.js';

interface Seen {
  project: string;
  agent: string;
  first: number;
  last: number;
  events: number;
  keep: number;
}

interface Reading {
  key: [string, string, string, string];
  value: number;
  unit: string | null;
  ts: number;
  readings: number;
  keep: number;
}

export class ContextWriter {
  private readonly seen = new Map<string, Seen>();
  private readonly readings = new Map<string, Reading>();
  private readonly upsertAgent: SqlStatement;
  private readonly upsertReading: SqlStatement;

  constructor(db: SqliteDatabase, private readonly retention: Record<Tier, number>) {
    this.upsertAgent = db.prepare(`INSERT INTO agents (project, agent_id, first_ts, last_ts, events, keep_until) VALUES (?,?,?,?,?,?)
      ON CONFLICT (project, agent_id) DO UPDATE SET first_ts = MIN(agents.first_ts, excluded.first_ts), last_ts = MAX(agents.last_ts, excluded.last_ts),
        events = agents.events + excluded.events, keep_until = MAX(agents.keep_until, excluded.keep_until)`);
    this.upsertReading = db.prepare(`INSERT INTO biometrics (project, subject, subject_id, metric, value, unit, ts, readings, keep_until) VALUES (?,?,?,?,?,?,?,?,?)
      ON CONFLICT (project, subject, subject_id, metric) DO UPDATE SET
        value = CASE WHEN excluded.ts >= biometrics.ts THEN excluded.value ELSE biometrics.value END,
        unit = CASE WHEN excluded.ts >= biometrics.ts THEN excluded.unit ELSE biometrics.unit END,
        ts = MAX(biometrics.ts, excluded.ts), readings = biometrics.readings + excluded.readings,
        keep_until = MAX(biometrics.keep_until, excluded.keep_until)`);
  }

  add(e: StoredEvent, d: Data): void {
    const keep = e.received_at + this.retention[e.tier];
    if (e.agent_id !== undefined) {
      const k = `${e.project}\u0000${e.agent_id}`;
      const s = this.seen.get(k);
      if (!s) this.seen.set(k, { project: e.project, agent: e.agent_id, first: e.ts, last: e.ts, events: 1, keep });
      else {
        s.first = Math.min(s.first, e.ts);
        s.last = Math.max(s.last, e.ts);
        s.events++;
        s.keep = Math.max(s.keep, keep);
      }
    }
    if (e.type !== 'biometric.reading') return;
    const metric = str(d, 'metric', 64);
    const value = num(d, 'value');
    if (metric === undefined || value === undefined) return;
    const unit = str(d, 'unit', 16) ?? null;
    if (e.agent_id !== undefined) this.reading([e.project, 'agent', e.agent_id, metric], value, unit, e.ts, keep);
    if (e.session_id !== undefined) this.reading([e.project, 'session', e.session_id, metric], value, unit, e.ts, keep);
  }

  private reading(key: Reading['key'], value: number, unit: string | null, ts: number, keep: number): void {
    const k = key.join('\u0000');
    const r = this.readings.get(k);
    if (!r) {
      this.readings.set(k, { key, value, unit, ts, readings: 1, keep });
      return;
    }
    r.readings++;
    r.keep = Math.max(r.keep, keep);
    if (ts >= r.ts) {
      r.ts = ts;
      r.value = value;
      r.unit = unit;
    }
  }

  reset(): void {
    this.seen.clear();
    this.readings.clear();
  }

  flush(): void {
    for (const s of this.seen.values()) this.upsertAgent.run(s.project, s.agent, s.first, s.last, s.events, s.keep);
    for (const r of this.readings.values()) this.upsertReading.run(...r.key, r.value, r.unit, r.ts, r.readings, r.keep);
    this.seen.clear();
    this.readings.clear();
  }
}
