/**
 * The archiver: follows the event log (the write-ahead log) and moves every committed event to the
 * archive exactly once. Each flush takes the segment (cursor, to], records it as planned, uploads one
 * Parquet object per (tier, hour) named by the segment's range, then advances the cursor. A crash
 * anywhere redoes the planned segment with the same names, so objects are overwritten, never doubled.
 * A flush happens when the oldest waiting event is `flushMs` old or the rows/bytes caps are reached.
 * Reading and encoding a segment is the SegmentEncoder's job (the encoder thread in the server);
 * planning, uploading and committing stay here, on the event loop.
 */
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import type { EventLog } from '../store/event-log.js';
import type { ArchiveState } from './archive-state.js';
import { ArchiveStats } from './archive-stats.js';
import { aborted, backoffMs, sleep, yieldToLoop } from './backoff.js';
import type { Codec } from './compression.js';
import type { ObjectTarget } from './object-target.js';
import { approxBytes } from './segment.js';
import { InThreadSegmentEncoder, type EncodedSegment, type SegmentEncoder } from './segment-encoder.js';
import { putObjects } from './segment-upload.js';

export interface ArchiverOptions {
  log: EventLog;
  state: ArchiveState;
  target: ObjectTarget;
  codec: Codec;
  clock: Clock;
  logger: Logger;
  flushMs: number;
  maxRows?: number;
  maxBytes?: number;
  /** Longest wait between retries of a failing upload. */
  retryMaxMs?: number;
  /** How long a shutdown keeps trying to upload what is open before leaving it for the next start. */
  shutdownMs?: number;
  uploadConcurrency?: number;
  /** Reads and encodes segments (default: on the event loop, from `log` with `codec`). Closed when run() ends. */
  encoder?: SegmentEncoder;
  /**
   * The level of a segment taken while the archive is behind: two full segments or more waiting
   * (compression.ts CATCH_UP_LEVEL). Unset: every segment at the codec's level.
   */
  catchUpLevel?: number;
}

export const DEFAULT_MAX_ROWS = 100_000;
export const DEFAULT_MAX_BYTES = 48 * 1024 * 1024;

export class Archiver {
  readonly stats = new ArchiveStats();
  private cursor: number;
  private pendingTo: number | undefined;
  /** received_at of the oldest event not yet archived (undefined = none waiting). */
  private oldestWaitingAt: number | undefined;
  private openBytes = 0;
  private wake: (() => void) | undefined;
  /** Waiting with nothing to archive: the next append should wake the loop. */
  private idle = false;
  /** The flush in progress, if any (shutdown waits for it within its budget). */
  private current: Promise<boolean> | undefined;
  /** Set once run() returned: a flush still in flight must not touch the (closed) store. */
  private stopped = false;
  private readonly maxRows: number;
  private readonly maxBytes: number;
  /** Objects of the pending segment already uploaded by this process (skipped on a retry). */
  private uploadedKeys = new Set<string>();

  private readonly writer: string;
  readonly encoder: SegmentEncoder;

  constructor(private readonly o: ArchiverOptions) {
    this.writer = o.state.writer(o.clock.now());
    this.encoder = o.encoder ?? new InThreadSegmentEncoder(o.log, o.codec);
    const p = o.state.load();
    this.cursor = p.cursor;
    this.pendingTo = p.pendingTo;
    this.maxRows = o.maxRows ?? DEFAULT_MAX_ROWS;
    this.maxBytes = o.maxBytes ?? DEFAULT_MAX_BYTES;
  }

  /** Every seq up to this one is in the archive: the hot store may sweep up to it. */
  archivedSeq(): number {
    return this.cursor;
  }

  backlog(): number {
    return Math.max(0, this.o.log.lastSeq() - this.cursor);
  }

  /** Seconds the oldest unarchived event has waited (0 when none). */
  lagSeconds(): number {
    return this.oldestWaitingAt === undefined || this.backlog() === 0 ? 0 : Math.max(0, (this.o.clock.now() - this.oldestWaitingAt) / 1000);
  }

  async run(signal: AbortSignal): Promise<void> {
    const off = this.o.log.onAppend((events) => {
      for (const e of events) this.openBytes += approxBytes(e);
      // Only when nothing older is waiting is the first appended event the oldest one.
      if (this.oldestWaitingAt === undefined && events[0]?.seq === this.cursor + 1) this.oldestWaitingAt = events[0].received_at;
      if (this.wake && (this.idle || this.openBytes >= this.maxBytes || this.backlog() >= this.maxRows)) this.wake();
    });
    const stopped = aborted(signal).then(() => undefined);
    try {
      let failures = 0;
      while (!signal.aborted) {
        const due = await this.nextDue();
        if (due > 0) {
          await this.waitFor(due, signal);
          continue;
        }
        const ok = await Promise.race([this.flush(), stopped]);
        if (ok === undefined) break;
        failures = ok ? 0 : failures + 1;
        if (!ok) await sleep(backoffMs(failures - 1, 1000, this.o.retryMaxMs ?? 60_000), signal);
        else await yieldToLoop();
      }
      await this.drain();
    } finally {
      this.stopped = true;
      off();
      await this.encoder.close();
    }
  }

  /** Milliseconds until the next flush is due (0 = now, Infinity = nothing waiting). */
  private async nextDue(): Promise<number> {
    if (this.pendingTo !== undefined) return 0;
    const backlog = this.backlog();
    if (backlog === 0) {
      this.oldestWaitingAt = undefined;
      this.openBytes = 0;
      return Infinity;
    }
    if (this.oldestWaitingAt === undefined) {
      // After a restart, or after a segment while more were waiting (the append that brought them
      // came before the cursor moved): the oldest waiting event tells how long it has waited.
      // Read before the caps are checked, or a backlog over them would show a lag of 0.
      const [first] = await this.o.log.read(this.cursor, 1);
      this.oldestWaitingAt = first?.received_at ?? this.o.clock.now();
    }
    if (backlog >= this.maxRows || this.openBytes >= this.maxBytes) return 0;
    return Math.max(0, this.oldestWaitingAt + this.o.flushMs - this.o.clock.now());
  }

  private waitFor(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        signal.removeEventListener('abort', done);
        this.wake = undefined;
        this.idle = false;
        resolve();
      };
      // Nothing waiting: sleep until an append wakes us (the timer only re-checks now and then).
      this.idle = !Number.isFinite(ms);
      const t = setTimeout(done, this.idle ? 60_000 : ms);
      this.wake = done;
      signal.addEventListener('abort', done, { once: true });
    });
  }

  private flush(): Promise<boolean> {
    const p = this.flushOnce().finally(() => {
      if (this.current === p) this.current = undefined;
    });
    this.current = p;
    return p;
  }

  /** Uploads one segment (the pending one first). Returns false when it failed (retry later). */
  async flushOnce(): Promise<boolean> {
    let segment: EncodedSegment | undefined;
    let level: number | undefined;
    try {
      if (this.pendingTo !== undefined) {
        segment = await this.encoder.encode(this.cursor, { to: this.pendingTo }, this.writer, this.uploadedKeys);
        if (this.stopped) return false;
      } else {
        const high = this.o.log.lastSeq();
        level = this.behind() ? this.o.catchUpLevel : undefined;
        segment = await this.encoder.encode(this.cursor, { maxRows: this.maxRows, maxBytes: this.maxBytes }, this.writer, undefined, level);
        if (this.stopped) return false;
        if (segment.rows === 0) {
          // Every seq up to `high` was committed before the read, and none is left: they were swept
          // while nothing archived (e.g. under --archive none). Nothing to upload; move past them.
          if (high > this.cursor) this.skipTo(high);
          return true;
        }
        // The intent, recorded before anything is uploaded (encoding uploads nothing).
        this.o.state.plan(this.cursor, segment.to, this.o.clock.now());
        this.pendingTo = segment.to;
        this.uploadedKeys.clear();
      }
      await this.upload(segment);
      if (this.stopped) return false;
      this.o.state.commit(segment.to, this.o.clock.now());
    } catch (err) {
      if (this.stopped) return false;
      const message = (err as Error).message;
      if (this.stats.failingSince === undefined) this.o.logger.warn('archive upload failed; events stay queued in the store and will be retried', { err, target: this.o.target.uri });
      this.stats.failed(this.o.clock.now(), message);
      return false;
    }
    this.done(segment);
    if (level !== undefined) this.stats.catchUpSegments++;
    return true;
  }

  /**
   * The encoder falls behind the log: after the segment about to be taken, at least another full
   * one is waiting. Encoding faster until it is not keeps the backlog (and the store, which cannot
   * sweep what is not archived) from growing without end under a load the encoder cannot follow.
   */
  private behind(): boolean {
    return this.backlog() >= 2 * this.maxRows || this.openBytes >= 2 * this.maxBytes;
  }

  private skipTo(seq: number): void {
    this.o.state.commit(seq, this.o.clock.now());
    this.cursor = seq;
    this.oldestWaitingAt = undefined;
  }

  private done(s: EncodedSegment): void {
    if (this.stats.failingSince !== undefined) this.o.logger.info('archive uploads work again', { target: this.o.target.uri, backlog: this.backlog() });
    this.stats.succeeded(this.o.clock.now());
    this.stats.segmentsDone++;
    this.stats.eventsArchived += s.rows;
    this.cursor = s.to;
    this.pendingTo = undefined;
    this.uploadedKeys.clear();
    this.openBytes = Math.max(0, this.openBytes - s.bytes);
    this.oldestWaitingAt = undefined;
  }

  private upload(s: EncodedSegment): Promise<void> {
    return putObjects(s.objects, { target: this.o.target, stats: this.stats, uploaded: this.uploadedKeys, concurrency: this.o.uploadConcurrency });
  }

  /**
   * On shutdown: upload everything committed so far (the open files), retrying within the shutdown
   * budget. What cannot be uploaded stays in the store and goes up after the next start.
   */
  private async drain(): Promise<void> {
    const budgetMs = this.o.shutdownMs ?? 20_000;
    const budget = AbortSignal.timeout(budgetMs);
    const expired = sleep(budgetMs + 1, budget).then(() => false);
    const target = this.o.log.lastSeq();
    let failures = 0;
    if (this.current) await Promise.race([this.current, expired]);
    while (this.cursor < target && !budget.aborted) {
      const ok = await Promise.race([this.flush(), expired]);
      if (ok) failures = 0;
      else await sleep(backoffMs(failures++, 250, 2000), budget);
    }
    if (this.cursor < target) {
      this.o.logger.warn('shutdown: archive upload incomplete; the remaining events stay in the store and are uploaded after the next start', {
        target: this.o.target.uri, queued: target - this.cursor, error: this.stats.lastError,
      });
    }
  }
}
