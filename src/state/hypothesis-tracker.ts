/**
 * Follows each hypothesis (data.hypothesis_id) through its statuses. Every status change moves one
 * count in the `hypothesis.status` rollup: −1 from the old status (in the hour it was set), +1 to
 * the new one, so "hypotheses by status" is a sum over hours and stays right after retention.
 */
import type { StoredEvent, Tier } from '../core/event.js';
import type { SqliteDatabase, SqlStatement } from '../runtime/types.js';
import { num, str, summaryOf, type Data } from './event-facts.js';
import type { Rollup } from './rollup.js';
import { hourOf } from './time.js';

interface Hypothesis {
  project: string;
  hypothesis_id: string;
  agent_id: string;
  session_id: string | null;
  status: string;
  created_ts: number;
  updated_ts: number;
  status_ts: number;
  updates: number;
  progress: number | null;
  confidence: number | null;
  text: string | null;
  keep_until: number;
  /** Not yet in the store: its status has never been counted. */
  fresh: boolean;
}

const TYPE_STATUS: Record<string, string> = { 'hypothesis.created': 'open', 'hypothesis.validated': 'validated', 'hypothesis.rejected': 'rejected' };
const RESOLVED = new Set(['validated', 'rejected']);

export class HypothesisTracker {
  private readonly touched = new Map<string, Hypothesis>();
  private readonly read: SqlStatement;
  private readonly write: SqlStatement;

  constructor(db: SqliteDatabase, private readonly retention: Record<Tier, number>) {
    this.read = db.prepare('SELECT * FROM hypotheses WHERE project = ? AND hypothesis_id = ?');
    this.write = db.prepare(`INSERT OR REPLACE INTO hypotheses (project, hypothesis_id, agent_id, session_id, status, created_ts, updated_ts,
      status_ts, updates, progress, confidence, text, keep_until) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`);
  }

  add(e: StoredEvent, d: Data, statusRollup: Rollup): void {
    const id = str(d, 'hypothesis_id') ?? str(d, 'id');
    if (id === undefined) return;
    const h = this.load(e, id);
    const given = str(d, 'status', 32)?.toLowerCase();
    const next = given ?? TYPE_STATUS[e.type] ?? h.status;
    h.updates++;
    if (e.ts > h.updated_ts) h.updated_ts = e.ts;
    if (e.type === 'hypothesis.created' && e.ts < h.created_ts) h.created_ts = e.ts;
    h.keep_until = Math.max(h.keep_until, e.received_at + this.retention[e.tier]);
    const progress = num(d, 'progress') ?? num(d, 'validation_progress');
    if (progress !== undefined) h.progress = Math.min(1, Math.max(0, progress));
    else if (RESOLVED.has(next)) h.progress = 1;
    const confidence = e.confidence ?? num(d, 'confidence');
    if (confidence !== undefined) h.confidence = confidence;
    h.text = summaryOf(d) ?? str(d, 'statement', 200) ?? str(d, 'hypothesis', 200) ?? h.text;
    if (h.session_id === null && e.session_id !== undefined) h.session_id = e.session_id;
    if (h.fresh || next !== h.status) {
      if (!h.fresh) statusRollup.add([h.project, hourOf(h.status_ts), h.agent_id, 'hypothesis.status', h.status], [-1]);
      statusRollup.add([h.project, hourOf(e.ts), h.agent_id, 'hypothesis.status', next], [1]);
      h.status = next;
      h.status_ts = e.ts;
      h.fresh = false;
    }
  }

  private load(e: StoredEvent, id: string): Hypothesis {
    const k = `${e.project}\u0000${id}`;
    let h = this.touched.get(k);
    if (h) return h;
    const row = this.read.get<Omit<Hypothesis, 'fresh'>>(e.project, id);
    h = row
      ? { ...row, fresh: false }
      : {
          project: e.project, hypothesis_id: id, agent_id: e.agent_id ?? '', session_id: e.session_id ?? null, status: 'open',
          created_ts: e.ts, updated_ts: e.ts, status_ts: e.ts, updates: 0, progress: null, confidence: null, text: null, keep_until: 0, fresh: true,
        };
    this.touched.set(k, h);
    return h;
  }

  reset(): void {
    this.touched.clear();
  }

  flush(): void {
    for (const h of this.touched.values()) {
      this.write.run(h.project, h.hypothesis_id, h.agent_id, h.session_id, h.status, h.created_ts, h.updated_ts, h.status_ts, h.updates, h.progress, h.confidence, h.text, h.keep_until);
    }
    this.touched.clear();
  }
}
