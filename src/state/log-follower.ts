/**
 * Follows the event log into the state tables, exactly once: each batch is applied in ONE
 * transaction together with the watermark (last applied seq). Live batches from onAppend are
 * queued and coalesced; on start, after a crash, or when the queue overflows, it reads the missing
 * events back from the log (the store keeps them: the watermark is this module's retention floor).
 */
import type { Logger } from '../core/log.js';
import type { StoredEvent } from '../core/event.js';
import type { SqliteDatabase, SqlStatement } from '../runtime/types.js';
import type { EventLog } from '../store/event-log.js';

const TARGET_MS = 50;
const MIN_CHUNK = 200;

export interface FollowerOptions {
  db: SqliteDatabase;
  log: EventLog;
  logger: Logger;
  apply: (events: readonly StoredEvent[]) => void;
  /** Called after each batch's transaction committed. */
  committed?: () => void;
  /** Most events applied in one transaction (the follower adapts below it to keep each short). */
  chunk?: number;
  /** Queued live events beyond which the follower drops the queue and re-reads from the log. */
  maxQueued?: number;
}

export class LogFollower {
  watermark: number;
  applied = 0;
  failures = 0;
  private queue: StoredEvent[] = [];
  private overflowed = false;
  private catchingUp = true;
  private running: Promise<void> | undefined;
  private scheduled = false;
  private stopped = false;
  private unsubscribe: (() => void) | undefined;
  /** After a failed batch: apply one event at a time up to this seq, to find and skip a poison event. */
  private isolateUntil = 0;
  private poison = { seq: 0, attempts: 0 };
  private readonly saveWatermark: SqlStatement;
  private readonly maxChunk: number;
  /** Events per transaction now: grown while transactions are quick, shrunk when one blocks long. */
  private chunk = 2000;
  private readonly maxQueued: number;

  constructor(private readonly o: FollowerOptions) {
    // Big transactions write each rollup row once however many events touch it; but every one
    // holds the event loop (live ingest and fan-out wait), so the size adapts to keep one near TARGET_MS.
    this.maxChunk = o.chunk ?? 20_000;
    this.chunk = Math.min(this.chunk, this.maxChunk);
    this.maxQueued = o.maxQueued ?? 50_000;
    this.watermark = o.db.prepare('SELECT seq FROM state_watermark WHERE id = 1').get<{ seq: number }>()?.seq ?? 0;
    this.saveWatermark = o.db.prepare('UPDATE state_watermark SET seq = ? WHERE id = 1');
  }

  /** Subscribes first, then catches up, so nothing committed in between is missed. */
  start(): void {
    this.unsubscribe = this.o.log.onAppend((events) => this.onAppend(events));
    this.schedule();
  }

  /** Events committed but not yet in the state. */
  lag(): number {
    return Math.max(0, this.o.log.lastSeq() - this.watermark);
  }

  private onAppend(events: readonly StoredEvent[]): void {
    if (this.overflowed) return;
    if (this.queue.length + events.length > this.maxQueued) {
      // Falling behind: forget the copies and read them back from the log instead.
      this.queue = [];
      this.overflowed = true;
    } else {
      for (const e of events) this.queue.push(e);
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.running ??= this.drain().finally(() => {
        this.running = undefined;
        if (this.queue.length > 0 || this.overflowed || this.catchingUp) this.schedule();
      });
    });
  }

  private async drain(): Promise<void> {
    if (this.catchingUp || this.overflowed) {
      this.overflowed = false;
      this.catchingUp = true;
      for (;;) {
        if (this.stopped) return;
        const want = this.watermark < this.isolateUntil ? 1 : this.chunk;
        const batch = await this.o.log.read(this.watermark, want);
        if (batch.length > 0 && !this.applyBatch(batch)) return;
        // Fewer than asked for: the log has nothing more right now (the queue holds what follows).
        if (batch.length === 0 || (batch.length < want && this.watermark >= this.isolateUntil)) break;
        await new Promise((r) => setImmediate(r));
      }
      if (this.overflowed) return; // the queue was dropped meanwhile: read on
      this.catchingUp = false;
    }
    while (this.queue.length > 0 && !this.stopped) {
      const take = this.queue.splice(0, this.chunk).filter((e) => e.seq > this.watermark);
      if (take.length > 0 && !this.applyBatch(take)) return;
      if (this.queue.length > 0) await new Promise((r) => setImmediate(r));
    }
  }

  /** One transaction: the batch's effects and the new watermark commit together or not at all. */
  private applyBatch(batch: readonly StoredEvent[]): boolean {
    const last = batch[batch.length - 1].seq;
    try {
      const started = performance.now();
      this.o.db.transaction(() => {
        this.o.apply(batch);
        this.saveWatermark.run(last);
      });
      this.adapt(batch.length, performance.now() - started);
      this.watermark = last;
      this.applied += batch.length;
      this.o.committed?.();
      return true;
    } catch (err) {
      this.failures++;
      this.queue = [];
      this.catchingUp = true;
      if (batch.length > 1) {
        this.isolateUntil = Math.max(this.isolateUntil, last);
        this.o.logger.error('dashboard state update failed; retrying event by event', { err, fromSeq: batch[0].seq, toSeq: last });
        return false;
      }
      this.poison = this.poison.seq === last ? { seq: last, attempts: this.poison.attempts + 1 } : { seq: last, attempts: 1 };
      if (this.poison.attempts >= 3 && this.skip(last, err)) return true;
      this.backoff();
      return false;
    }
  }

  private adapt(size: number, ms: number): void {
    if (ms > TARGET_MS * 2) this.chunk = Math.max(MIN_CHUNK, Math.floor(this.chunk * 0.7));
    else if (ms < TARGET_MS && size >= this.chunk) this.chunk = Math.min(this.maxChunk, Math.ceil(this.chunk * 1.25));
  }

  /**
   * An event that fails three times on its own is skipped (and logged), so one bad event cannot stop
   * the dashboards, nor the retention that waits for them. If even the skip cannot commit, the store
   * itself is failing: keep retrying.
   */
  private skip(seq: number, err: unknown): boolean {
    try {
      this.o.db.transaction(() => this.saveWatermark.run(seq));
    } catch {
      return false;
    }
    this.watermark = seq;
    this.o.logger.error('dashboard state skipped an event it cannot apply', { err, seq });
    return true;
  }

  private backoff(): void {
    this.stopped = true;
    setTimeout(() => {
      this.stopped = false;
      this.schedule();
    }, 1000).unref?.();
  }

  /** Applies what is queued, then stops following. */
  async stop(): Promise<void> {
    await this.running;
    if (this.queue.length > 0 && !this.catchingUp) await this.drain();
    this.stopped = true;
    this.unsubscribe?.();
  }
}
