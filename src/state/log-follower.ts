/**
 * Follows the event log into the state tables, exactly once. Live events are folded into the
 * sink's in-memory sums as they commit (cheap: no SQL), and the sums are written every `intervalMs`.
 * A chain or rollup row touched by thousands of events in that time is written once, not once per
 * request, which is what keeps the dashboards off the ingest hot path.
 *
 * A write round commits the sink's parts one after another, each in its own transaction together
 * with that part's mark (last applied seq), yielding to the event loop in between: no single write
 * holds ingest and live delivery for the whole state. After a crash each part resumes from its own
 * mark (a part never counts an event twice).
 *
 * On start, after a crash, after a failed write, or when live events pile up while catching up, it
 * reads the missing events back from the log (the store keeps them: the lowest mark is this
 * module's retention floor).
 */
import type { Logger } from '../core/log.js';
import type { StoredEvent } from '../core/event.js';
import type { SqliteDatabase, SqlStatement } from '../runtime/types.js';
import type { EventLog } from '../store/event-log.js';

/** Live sums are written at most this often; dashboards publish at most once a second anyway. */
const FLUSH_INTERVAL_MS = 250;
/** Events read from the log per step while catching up (one step holds the event loop ~10 ms). */
const READ_CHUNK = 2000;

/** What the follower drives: fold events in memory, write the sums part by part, or forget them. */
export interface StateSink {
  /** Parts written in separate transactions, each with its own mark (state_marks.part). */
  readonly parts: readonly string[];
  /** Folds events into in-memory sums, for part i only those above after[i]; may read committed state, must not write. */
  add(events: readonly StoredEvent[], after: readonly number[]): void;
  /** Writes part i's sums (the caller wraps this in the transaction that advances its mark). */
  flush(part: number): void;
  /** Part i's transaction committed. */
  committed?(part: number): void;
  /** Forgets unwritten sums (their events will be read from the log again). */
  reset(): void;
}

/** What the follower needs of the log: committed batches as they come, and reads of what it missed. */
export type FollowedLog = Pick<EventLog, 'onAppend' | 'read' | 'lastSeq'>;

/** Each part's committed mark; parts without one start from the old single watermark. */
export function readMarks(db: SqliteDatabase, parts: readonly string[]): number[] {
  const base = db.prepare('SELECT seq FROM state_watermark WHERE id = 1').get<{ seq: number }>()?.seq ?? 0;
  const read = db.prepare('SELECT seq FROM state_marks WHERE part = ?');
  return parts.map((part) => read.get<{ seq: number }>(part)?.seq ?? base);
}

export interface FollowerOptions {
  db: SqliteDatabase;
  log: FollowedLog;
  logger: Logger;
  sink: StateSink;
  /** Most events folded before a write is forced (bounds memory and the transaction's size). */
  chunk?: number;
  /** Live events that arrive while catching up, queued up to this many; beyond, they are re-read. */
  maxQueued?: number;
  /** How long live sums wait to be written (default FLUSH_INTERVAL_MS; 0 = after every append). */
  intervalMs?: number;
}

export class LogFollower {
  /** Last seq whose effects are committed in every part (the lowest mark). */
  watermark: number;
  applied = 0;
  failures = 0;
  /** Each part's committed mark. */
  private readonly marks: number[];
  /** Last seq folded into the unwritten sums (≥ watermark), and how many events that is. */
  private pendingLast: number;
  private pendingCount = 0;
  /** Live events that arrived while catching up. */
  private queue: StoredEvent[] = [];
  private overflowed = false;
  private catchingUp = true;
  /** The catch-up or the write round in progress (never both). */
  private running: Promise<void> | undefined;
  private drainScheduled = false;
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private flushWanted = false;
  private stopped = false;
  /** Shutdown began: a catch-up ends at its next step (the log keeps the rest for the next start). */
  private stopping = false;
  private paused = false;
  /** Bumped by every failure: a write round that sees it change stops (its sums were forgotten). */
  private epoch = 0;
  private unsubscribe: (() => void) | undefined;
  /** After a failed write: apply one event per round up to this seq, to find and skip a poison event. */
  private isolateUntil = 0;
  private poison = { seq: 0, attempts: 0 };
  private readonly saveMark: SqlStatement;
  private readonly saveWatermark: SqlStatement;
  private readonly maxPending: number;
  private readonly maxQueued: number;
  private readonly intervalMs: number;

  constructor(private readonly o: FollowerOptions) {
    this.maxPending = o.chunk ?? 50_000;
    this.maxQueued = o.maxQueued ?? 50_000;
    this.intervalMs = o.intervalMs ?? FLUSH_INTERVAL_MS;
    this.marks = readMarks(o.db, o.sink.parts);
    this.watermark = Math.min(...this.marks);
    this.pendingLast = this.watermark;
    this.saveMark = o.db.prepare('INSERT INTO state_marks (part, seq) VALUES (?, ?) ON CONFLICT (part) DO UPDATE SET seq = excluded.seq');
    this.saveWatermark = o.db.prepare('UPDATE state_watermark SET seq = ? WHERE id = 1');
  }

  /** Subscribes first, then catches up, so nothing committed in between is missed. */
  start(): void {
    this.unsubscribe = this.o.log.onAppend((events) => this.onAppend(events));
    this.scheduleDrain();
  }

  /** Events committed but not yet in every part of the state. */
  lag(): number {
    return Math.max(0, this.o.log.lastSeq() - this.watermark);
  }

  private onAppend(events: readonly StoredEvent[]): void {
    if (this.stopped) return;
    if (this.catchingUp || this.paused) {
      if (this.overflowed) return;
      if (this.queue.length + events.length > this.maxQueued) {
        // Falling behind: forget the copies and read them back from the log instead.
        this.queue = [];
        this.overflowed = true;
      } else {
        for (const e of events) this.queue.push(e);
      }
      this.scheduleDrain();
      return;
    }
    if (!this.fold(events)) return;
    this.scheduleFlush(this.pendingCount >= this.maxPending ? 0 : this.intervalMs);
  }

  /** Folds the events not folded yet; on failure forgets everything unwritten and catches up. */
  private fold(events: readonly StoredEvent[]): boolean {
    const fresh = events.length > 0 && events[0].seq > this.pendingLast ? events : events.filter((e) => e.seq > this.pendingLast);
    if (fresh.length === 0) return true;
    try {
      this.o.sink.add(fresh, this.marks);
    } catch (err) {
      this.failed(err, fresh[fresh.length - 1].seq);
      return false;
    }
    this.pendingLast = fresh[fresh.length - 1].seq;
    this.pendingCount += fresh.length;
    return true;
  }

  private scheduleFlush(delay: number): void {
    if (this.flushTimer !== undefined) {
      if (delay > 0) return;
      clearTimeout(this.flushTimer);
    }
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      if (this.catchingUp || this.paused || this.stopped) return;
      if (this.running) {
        this.flushWanted = true;
        return;
      }
      this.run(this.writeRound().then(() => {}));
    }, delay);
  }

  private cancelFlush(): void {
    if (this.flushTimer !== undefined) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
  }

  private scheduleDrain(): void {
    if (this.drainScheduled || this.stopped || this.paused) return;
    this.drainScheduled = true;
    setImmediate(() => {
      this.drainScheduled = false;
      if (!this.running) this.run(this.catchUp());
    });
  }

  /** Runs one catch-up or write round; when it ends, starts what became due meanwhile. */
  private run(work: Promise<void>): void {
    this.running = work.finally(() => {
      this.running = undefined;
      if (this.stopped) return;
      if (this.catchingUp) this.scheduleDrain();
      else if (this.flushWanted) {
        this.flushWanted = false;
        this.scheduleFlush(0);
      }
    });
  }

  /** Reads from the log until it has nothing more, then hands over to live folding. */
  private async catchUp(): Promise<void> {
    while (this.catchingUp && !this.stopped && !this.stopping && !this.paused) {
      this.overflowed = false;
      const isolating = this.pendingLast < this.isolateUntil;
      const want = isolating ? 1 : READ_CHUNK;
      const batch = await this.o.log.read(this.pendingLast, want);
      if (this.stopped || this.stopping || this.paused) return;
      if (batch.length > 0 && !this.fold(batch)) return;
      const drained = batch.length < want && !isolating;
      if ((isolating || drained || this.pendingCount >= this.maxPending) && !(await this.writeRound())) return;
      if (drained && !this.overflowed) {
        // Everything up to the read is folded; what committed since is in the queue.
        const queued = this.queue;
        this.queue = [];
        this.catchingUp = false;
        if (this.fold(queued) && this.pendingCount > 0) this.scheduleFlush(this.intervalMs);
        return;
      }
      await yieldToLoop();
    }
  }

  /**
   * Writes every part, each in one transaction with its mark, yielding in between. Events folded
   * while it yields go to the parts not written yet too: each part's mark is what it has folded when
   * it commits.
   */
  private async writeRound(): Promise<boolean> {
    if (this.pendingLast <= this.watermark) return true;
    const epoch = this.epoch;
    const counted = this.pendingCount;
    this.pendingCount = 0;
    const parts = this.o.sink.parts.length;
    for (let i = 0; i < parts; i++) {
      if (i > 0) await yieldToLoop();
      if (this.epoch !== epoch) return false;
      // A part ahead of the others after a crash keeps its mark until the others pass it.
      const last = Math.max(this.pendingLast, this.marks[i]);
      const lowest = Math.min(last, ...this.marks.filter((_, j) => j !== i));
      try {
        this.o.db.transaction(() => {
          this.o.sink.flush(i);
          this.saveMark.run(this.o.sink.parts[i], last);
          if (lowest > this.watermark) this.saveWatermark.run(lowest);
        });
      } catch (err) {
        this.failed(err, this.pendingLast);
        return false;
      }
      this.marks[i] = last;
      this.watermark = lowest;
      this.o.sink.committed?.(i);
    }
    this.applied += counted;
    return true;
  }

  /**
   * A fold or write failed: forget every unwritten sum and read the events again from the lowest mark.
   * With more than one event at stake, they are then applied one per round to find the bad one; an
   * event that fails three times on its own is skipped (and logged), so one bad event cannot stop the
   * dashboards, nor the retention that waits for them.
   */
  private failed(err: unknown, last: number): void {
    this.failures++;
    this.epoch++;
    const many = last - this.watermark > 1;
    this.o.sink.reset();
    this.cancelFlush();
    this.pendingLast = this.watermark;
    this.pendingCount = 0;
    this.queue = [];
    this.catchingUp = true;
    if (many) {
      this.isolateUntil = Math.max(this.isolateUntil, last);
      this.o.logger.error('dashboard state update failed; retrying event by event', { err, fromSeq: this.watermark + 1, toSeq: last });
      this.scheduleDrain();
      return;
    }
    this.poison = this.poison.seq === last ? { seq: last, attempts: this.poison.attempts + 1 } : { seq: last, attempts: 1 };
    if (this.poison.attempts >= 3 && this.skip(last, err)) {
      this.scheduleDrain();
      return;
    }
    this.pause();
  }

  /** Skips a poison event by moving every mark past it. If even that cannot commit, the store is failing. */
  private skip(seq: number, err: unknown): boolean {
    try {
      this.o.db.transaction(() => {
        this.o.sink.parts.forEach((part, i) => this.saveMark.run(part, Math.max(seq, this.marks[i])));
        this.saveWatermark.run(seq);
      });
    } catch {
      return false;
    }
    for (let i = 0; i < this.marks.length; i++) this.marks[i] = Math.max(seq, this.marks[i]);
    this.watermark = seq;
    this.pendingLast = seq;
    this.o.logger.error('dashboard state skipped an event it cannot apply', { err, seq });
    return true;
  }

  /** Waits a second before reading again (the store is failing, or an event keeps failing). */
  private pause(): void {
    this.paused = true;
    setTimeout(() => {
      this.paused = false;
      this.scheduleDrain();
    }, 1000).unref?.();
  }

  /**
   * Writes what is folded, then stops following. A catch-up in progress stops at its next step
   * rather than reading on to the end of the log (after a long outage that could take minutes, past
   * any shutdown grace period); what it has not read yet is read at the next start.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    this.cancelFlush();
    await this.running;
    if (!this.paused) await this.writeRound();
    this.stopped = true;
    this.unsubscribe?.();
  }
}

function yieldToLoop(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}
