/**
 * The single-node event log in SQLite (WAL). One transaction per append (group commit per request);
 * `seq` is the table's INTEGER PRIMARY KEY, so it keeps growing across restarts.
 */
import type { EventDraft, StoredEvent, Tier } from '../../core/event.js';
import type { Clock } from '../../core/clock.js';
import { DedupWindow } from '../../ingest/dedup-window.js';
import type { SqliteDatabase, SqlValue } from '../../runtime/types.js';
import type { AppendListener, AppendResult, EventLog, ReadOptions } from '../event-log.js';
import { migrate } from './migrations.js';

/** Rows one retention sweep call looks at. */
export const SWEEP_PAGE = 5000;
const DEDUP_LOAD_PAGE = 10_000;
/** How far back a wall clock may have been set without the dedup window losing ids at a restart. */
const CLOCK_SLACK_MS = 5 * 60_000;

const COLUMNS =
  'seq, id, ts, received_at, project, tier, type, agent_id, session_id, trace_id, span_id, parent_span_id, model, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens, cost_usd, confidence, data';

interface EventRow {
  seq: number;
  id: string;
  ts: number;
  received_at: number;
  project: string;
  tier: Tier;
  type: string;
  agent_id: string | null;
  session_id: string | null;
  trace_id: string | null;
  span_id: string | null;
  parent_span_id: string | null;
  model: string | null;
  input_tokens: number | null;
  output_tokens: number | null;
  cache_read_tokens: number | null;
  cache_write_tokens: number | null;
  reasoning_tokens: number | null;
  cost_usd: number | null;
  confidence: number | null;
  data: string | null;
}

export function rowToEvent(r: EventRow): StoredEvent {
  const e: StoredEvent = { seq: r.seq, id: r.id, ts: r.ts, received_at: r.received_at, project: r.project, tier: r.tier, type: r.type };
  if (r.agent_id !== null) e.agent_id = r.agent_id;
  if (r.session_id !== null) e.session_id = r.session_id;
  if (r.trace_id !== null) e.trace_id = r.trace_id;
  if (r.span_id !== null) e.span_id = r.span_id;
  if (r.parent_span_id !== null) e.parent_span_id = r.parent_span_id;
  if (r.model !== null) e.model = r.model;
  if (r.input_tokens !== null || r.output_tokens !== null || r.cache_read_tokens !== null || r.cache_write_tokens !== null || r.reasoning_tokens !== null) {
    e.usage = {};
    if (r.input_tokens !== null) e.usage.input_tokens = r.input_tokens;
    if (r.output_tokens !== null) e.usage.output_tokens = r.output_tokens;
    if (r.cache_read_tokens !== null) e.usage.cache_read_tokens = r.cache_read_tokens;
    if (r.cache_write_tokens !== null) e.usage.cache_write_tokens = r.cache_write_tokens;
    if (r.reasoning_tokens !== null) e.usage.reasoning_tokens = r.reasoning_tokens;
  }
  if (r.cost_usd !== null || r.model !== null) e.cost_usd = r.cost_usd;
  if (r.confidence !== null) e.confidence = r.confidence;
  if (r.data !== null) e.data_json = r.data;
  return e;
}

/**
 * Events with seq > afterSeq in seq order, at most `limit`, from any connection that sees the
 * `events` table (the log's own, or the dashboard state thread's read connection to the store).
 */
export function readEvents(db: SqliteDatabase, afterSeq: number, limit: number, opts: ReadOptions = {}): StoredEvent[] {
  const where = ['seq > ?'];
  const params: SqlValue[] = [afterSeq];
  if (opts.projects) {
    where.push(`project IN (${opts.projects.map(() => '?').join(',')})`);
    params.push(...opts.projects);
  }
  if (opts.tiers) {
    where.push(`tier IN (${opts.tiers.map(() => '?').join(',')})`);
    params.push(...opts.tiers);
  }
  params.push(limit);
  const rows = db.prepare(`SELECT ${COLUMNS} FROM events WHERE ${where.join(' AND ')} ORDER BY seq LIMIT ?`).all<EventRow>(...params);
  return rows.map(rowToEvent);
}

export interface SqliteEventLogOptions {
  db: SqliteDatabase;
  clock: Clock;
  dedupWindowMs: number;
  dedupMaxEntries?: number;
  /** Where a failing listener is reported; one reader's bug must not fail the commit or starve the others. */
  onListenerError?: (err: unknown) => void;
}

export class SqliteEventLog implements EventLog {
  private readonly db: SqliteDatabase;
  private readonly clock: Clock;
  private readonly dedup: DedupWindow;
  private readonly listeners = new Set<AppendListener>();
  private readonly insert;
  private seq: number;
  private failed: Error | undefined;
  /** Appends waiting for this turn's group commit. */
  private pending: { drafts: EventDraft[]; resolve: (r: AppendResult) => void; reject: (err: unknown) => void }[] = [];
  /** Transactions committed (each holds one or more appends). */
  commits = 0;
  private readonly onListenerError: (err: unknown) => void;

  constructor(opts: SqliteEventLogOptions) {
    this.db = opts.db;
    this.clock = opts.clock;
    this.onListenerError = opts.onListenerError ?? ((err) => queueMicrotask(() => { throw err; }));
    migrate(this.db);
    this.dedup = new DedupWindow(opts.dedupWindowMs, opts.dedupMaxEntries);
    this.insert = this.db.prepare(`INSERT INTO events (${COLUMNS}) VALUES (${COLUMNS.split(',').map(() => '?').join(',')})`);
    // seq must never go back, even when retention has emptied the table: the sweeper records the high mark.
    const stored = this.db.prepare('SELECT COALESCE(MAX(seq), 0) AS s FROM events').get<{ s: number }>()!.s;
    const mark = Number(this.db.prepare("SELECT value FROM meta WHERE key = 'seq_high'").get<{ value: string }>()?.value ?? 0);
    this.seq = Math.max(stored, mark);
    this.loadDedupWindow();
  }

  /**
   * Rebuilds the dedup window from stored events, so duplicates are caught across a restart. Only the
   * newest ids up to the window's cap are read, newest first along seq (the primary key): after a
   * burst the window can span millions of rows, and reading them all cost seconds and gigabytes
   * before the server could listen. received_at follows seq (both are taken in arrival order), so
   * the walk stops at the first row older than the window, less a slack for a wall clock set back.
   */
  private loadDedupWindow(): void {
    const since = this.clock.now() - this.dedup.windowMs;
    const cap = this.dedup.maxEntries;
    const page = this.db.prepare(`SELECT seq, project, id, received_at FROM events WHERE seq < ? ORDER BY seq DESC LIMIT ${DEDUP_LOAD_PAGE}`).all<{ seq: number; project: string; id: string; received_at: number }>;
    const newest: { project: string; id: string; received_at: number }[] = [];
    let before = this.seq + 1;
    walk: for (;;) {
      const rows = page(before);
      for (const r of rows) {
        if (r.received_at < since - CLOCK_SLACK_MS) break walk;
        if (r.received_at < since) continue;
        newest.push(r);
        if (newest.length >= cap) break walk;
      }
      if (rows.length < DEDUP_LOAD_PAGE) break;
      before = rows[rows.length - 1].seq;
    }
    // The window evicts in insertion order, so the oldest go in first.
    newest.sort((a, b) => a.received_at - b.received_at);
    for (const r of newest) this.dedup.add(DedupWindow.key(r.project, r.id), r.received_at);
  }

  get dedupSize(): number {
    return this.dedup.size;
  }

  get dedupEvictedEarly(): number {
    return this.dedup.evictedEarly;
  }

  /**
   * Appends in a group commit with the other requests that are ready in the same turn of the event
   * loop: one transaction for all of them instead of one each. A commit rewrites the table's and
   * the index's last pages whatever it adds, so under concurrent load this saves most of that work;
   * alone, a request waits one turn of the loop. Each caller still resolves only after its events
   * are committed, and all of a group's callers fail together if the commit fails.
   */
  append(drafts: EventDraft[]): Promise<AppendResult> {
    return new Promise((resolve, reject) => {
      this.pending.push({ drafts, resolve, reject });
      if (this.pending.length === 1) setImmediate(() => this.commitPending());
    });
  }

  private commitPending(): void {
    const group = this.pending;
    this.pending = [];
    let results: AppendResult[];
    try {
      results = this.appendGroup(group.map((g) => g.drafts));
    } catch (err) {
      for (const g of group) g.reject(err);
      return;
    }
    for (let i = 0; i < group.length; i++) group[i].resolve(results[i]);
  }

  appendSync(drafts: EventDraft[]): AppendResult {
    return this.appendGroup([drafts])[0];
  }

  /** Appends several batches in one commit; an id repeated in a later batch of the group is its duplicate. */
  private appendGroup(batches: EventDraft[][]): AppendResult[] {
    const now = this.clock.now();
    this.dedup.prune(now);
    const results: AppendResult[] = [];
    const fresh: EventDraft[] = [];
    const keys: string[] = [];
    const inGroup = new Set<string>();
    for (const drafts of batches) {
      const duplicates: number[] = [];
      const from = fresh.length;
      for (let i = 0; i < drafts.length; i++) {
        const d = drafts[i];
        // Ids the server just made are new by construction and are nobody's retry key: they skip the
        // lookup and take no room in the window (at high rates they would push out clients' ids).
        if (d.idGenerated !== true) {
          const key = DedupWindow.key(d.project, d.id);
          if (this.dedup.has(key, now) || inGroup.has(key)) {
            duplicates.push(i);
            continue;
          }
          inGroup.add(key);
          keys.push(key);
        }
        fresh.push(d);
      }
      // `stored` is filled below, once the commit gave the events their seqs.
      results.push({ stored: new Array(fresh.length - from), duplicates });
    }
    if (fresh.length === 0) return results;
    let seq = this.seq;
    try {
      this.db.transaction(() => {
        for (let i = 0; i < fresh.length; i++) {
          const e = fresh[i] as StoredEvent;
          e.seq = ++seq;
          const u = e.usage;
          this.insert.run(
            e.seq, e.id, e.ts, e.received_at, e.project, e.tier, e.type,
            e.agent_id ?? null, e.session_id ?? null, e.trace_id ?? null, e.span_id ?? null, e.parent_span_id ?? null,
            e.model ?? null,
            u?.input_tokens ?? null, u?.output_tokens ?? null, u?.cache_read_tokens ?? null, u?.cache_write_tokens ?? null, u?.reasoning_tokens ?? null,
            e.cost_usd ?? null, e.confidence ?? null, e.data_json ?? null,
          );
        }
      });
      this.failed = undefined;
    } catch (err) {
      // Nothing was committed: the seqs are handed back (this.seq is unchanged); the store is unwritable.
      this.failed = err as Error;
      throw err;
    }
    this.seq = seq;
    this.commits++;
    for (const k of keys) this.dedup.add(k, now);
    let next = 0;
    for (const r of results) for (let i = 0; i < r.stored.length; i++) r.stored[i] = fresh[next++] as StoredEvent;
    const stored = fresh as StoredEvent[];
    for (const l of this.listeners) {
      try {
        l(stored);
      } catch (err) {
        this.onListenerError(err);
      }
    }
    return results;
  }

  async read(afterSeq: number, limit: number, opts: ReadOptions = {}): Promise<StoredEvent[]> {
    return this.readSync(afterSeq, limit, opts);
  }

  readSync(afterSeq: number, limit: number, opts: ReadOptions = {}): StoredEvent[] {
    return readEvents(this.db, afterSeq, limit, opts);
  }

  lastSeq(): number {
    return this.seq;
  }

  onAppend(listener: AppendListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  writable(): boolean {
    return this.failed === undefined;
  }

  /** The last write error, for readiness and error messages. */
  lastError(): Error | undefined {
    return this.failed;
  }

  /** Retries a trivial write so readiness recovers by itself once the disk is writable again. */
  probeWritable(): boolean {
    try {
      this.db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('probe', ?)").run(String(this.clock.now()));
      this.failed = undefined;
    } catch (err) {
      this.failed = err as Error;
    }
    return this.failed === undefined;
  }

  /**
   * Deletes events of `tier` received before `cutoff`, oldest first and never past `maxSeq` (the
   * archiver's watermark: nothing unarchived is ever swept), looking at most SWEEP_PAGE rows. Call
   * again while `more` says so, yielding between calls, so ingest never waits long.
   *
   * There is no index on (tier, received_at): keeping one up to date cost ingest more than a tenth
   * of its event-loop time. Instead each tier keeps a cursor (in `meta`, so a restart does not walk
   * the table again): every event of the tier up to it is gone. A sweep walks seq from the cursor
   * and stops at the tier's first event still inside its retention; received_at follows seq, and
   * when a clock set back breaks that, the sweep only keeps events longer, never drops one early.
   */
  sweep(tier: Tier, cutoff: number, maxSeq: number): { deleted: number; more: boolean } {
    this.db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('seq_high', ?)").run(String(this.seq));
    // A floor from elsewhere (cluster mode's stream sequence) must not carry the cursor past seqs
    // this table has yet to hand out: their events would never be swept.
    maxSeq = Math.min(maxSeq, this.seq);
    const key = `swept_through_${tier}`;
    const after = Number(this.db.prepare('SELECT value FROM meta WHERE key = ?').get<{ value: string }>(key)?.value ?? 0);
    if (after >= maxSeq) return { deleted: 0, more: false };
    const rows = this.db
      .prepare(`SELECT seq, tier, received_at FROM events WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ${SWEEP_PAGE}`)
      .all<{ seq: number; tier: Tier; received_at: number }>(after, maxSeq);
    const young = rows.find((r) => r.tier === tier && r.received_at >= cutoff);
    const through = young ? young.seq - 1 : rows.length === SWEEP_PAGE ? rows[rows.length - 1].seq : maxSeq;
    if (through <= after) return { deleted: 0, more: false };
    let deleted = 0;
    this.db.transaction(() => {
      deleted = this.db.prepare('DELETE FROM events WHERE seq > ? AND seq <= ? AND tier = ?').run(after, through, tier).changes;
      this.db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(key, String(through));
    });
    return { deleted, more: young === undefined && through < maxSeq };
  }

  count(): number {
    return this.db.prepare('SELECT COUNT(*) AS n FROM events').get<{ n: number }>()!.n;
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}
