/**
 * Follows the event log into the state tables, exactly once. Live events are folded into the
 * writer's in-memory sums as they commit (cheap: no SQL), and the sums are written every
 * `intervalMs` in ONE transaction together with the watermark (last applied seq). A chain or rollup
 * row touched by thousands of events in that time is written once, not once per request, which is
 * what keeps the dashboards off the ingest hot path.
 *
 * On start, after a crash, after a failed write, or when live events pile up while catching up, it
 * reads the missing events back from the log (the store keeps them: the watermark is this module's
 * retention floor).
 */
import type { Logger } from '../core/log.js';
import type { StoredEvent } from '../core/event.js';
import type { SqliteDatabase, SqlStatement } from '../runtime/types.js';
import type { EventLog } from '../store/event-log.js';

/** Live sums are written at most this often; dashboards publish at most once a second anyway. */
const FLUSH_INTERVAL_MS = 250;
/** Events read from the log per step while catching up (one step holds the event loop ~10 ms). */
const READ_CHUNK = 2000;

/** What the follower drives: fold events in memory, write the sums, or forget them. */
export interface StateSink {
  /** Folds events into in-memory sums; may read committed state, must not write. */
  add(events: readonly StoredEvent[]): void;
  /** Writes the sums (the caller wraps this in the transaction that advances the watermark). */
  flush(): void;
  /** Forgets unwritten sums (their events will be read from the log again). */
  reset(): void;
  /** The flush's transaction committed. */
  committed?(): void;
}

export interface FollowerOptions {
  db: SqliteDatabase;
  log: EventLog;
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
  /** Last seq whose effects are committed. */
  watermark: number;
  applied = 0;
  failures = 0;
  /** Last seq folded into the unwritten sums (≥ watermark), and how many events that is. */
  private pendingLast: number;
  private pendingCount = 0;
  /** Live events that arrived while catching up. */
  private queue: StoredEvent[] = [];
  private overflowed = false;
  private catchingUp = true;
  private running: Promise<void> | undefined;
  private drainScheduled = false;
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  private paused = false;
  private unsubscribe: (() => void) | undefined;
  /** After a failed write: apply one event per transaction up to this seq, to find and skip a poison event. */
  private isolateUntil = 0;
  private poison = { seq: 0, attempts: 0 };
  private readonly saveWatermark: SqlStatement;
  private readonly maxPending: number;
  private readonly maxQueued: number;
  private readonly intervalMs: number;

  constructor(private readonly o: FollowerOptions) {
    this.maxPending = o.chunk ?? 50_000;
    this.maxQueued = o.maxQueued ?? 50_000;
    this.intervalMs = o.intervalMs ?? FLUSH_INTERVAL_MS;
    this.watermark = o.db.prepare('SELECT seq FROM state_watermark WHERE id = 1').get<{ seq: number }>()?.seq ?? 0;
    this.pendingLast = this.watermark;
    this.saveWatermark = o.db.prepare('UPDATE state_watermark SET seq = ? WHERE id = 1');
  }

  /** Subscribes first, then catches up, so nothing committed in between is missed. */
  start(): void {
    this.unsubscribe = this.o.log.onAppend((events) => this.onAppend(events));
    this.scheduleDrain();
  }

  /** Events committed but not yet in the state tables. */
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
      this.o.sink.add(fresh);
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
      if (!this.catchingUp && !this.paused) this.write();
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
      this.running ??= this.catchUp().finally(() => {
        this.running = undefined;
        if (this.catchingUp) this.scheduleDrain();
      });
    });
  }

  /** Reads from the log until it has nothing more, then hands over to live folding. */
  private async catchUp(): Promise<void> {
    while (this.catchingUp && !this.stopped && !this.paused) {
      this.overflowed = false;
      const isolating = this.pendingLast < this.isolateUntil;
      const want = isolating ? 1 : READ_CHUNK;
      const batch = await this.o.log.read(this.pendingLast, want);
      if (this.stopped || this.paused) return;
      if (batch.length > 0 && !this.fold(batch)) return;
      const drained = batch.length < want && !isolating;
      if ((isolating || drained || this.pendingCount >= this.maxPending) && !this.write()) return;
      if (drained && !this.overflowed) {
        // Everything up to the read is folded; what committed since is in the queue.
        const queued = this.queue;
        this.queue = [];
        this.catchingUp = false;
        if (this.fold(queued) && this.pendingCount > 0) this.scheduleFlush(this.intervalMs);
        return;
      }
      await new Promise((r) => setImmediate(r));
    }
  }

  /** One transaction: the folded sums and the new watermark commit together or not at all. */
  private write(): boolean {
    if (this.pendingCount === 0) return true;
    const last = this.pendingLast;
    try {
      this.o.db.transaction(() => {
        this.o.sink.flush();
        this.saveWatermark.run(last);
      });
    } catch (err) {
      this.failed(err, last);
      return false;
    }
    this.watermark = last;
    this.applied += this.pendingCount;
    this.pendingCount = 0;
    this.o.sink.committed?.();
    return true;
  }

  /**
   * A fold or write failed: forget every unwritten sum and read the events again from the watermark.
   * With more than one event at stake, they are then applied one per transaction to find the bad
   * one; an event that fails three times on its own is skipped (and logged), so one bad event cannot
   * stop the dashboards, nor the retention that waits for them.
   */
  private failed(err: unknown, last: number): void {
    this.failures++;
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

  /** Skips a poison event by advancing the watermark past it. If even that cannot commit, the store is failing. */
  private skip(seq: number, err: unknown): boolean {
    try {
      this.o.db.transaction(() => this.saveWatermark.run(seq));
    } catch {
      return false;
    }
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

  /** Writes what is folded, then stops following. */
  async stop(): Promise<void> {
    this.cancelFlush();
    await this.running;
    if (!this.catchingUp && !this.paused) this.write();
    this.stopped = true;
    this.unsubscribe?.();
  }
}
