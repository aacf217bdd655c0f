/**
 * Moves WAL checkpoints off the event loop. By default SQLite checkpoints inside the COMMIT that
 * pushes the WAL past 1,000 pages: copying ~4 MB into the database file then stalls that request,
 * and every request behind it (critical frames included), several times a second under load. Here a
 * worker thread with its own connection checkpoints every CHECKPOINT_MS instead (PASSIVE: it never
 * blocks the writer), and the event loop's connection only checkpoints itself past a far larger WAL
 * (a safety net should the thread fall behind or die). Without a thread, SQLite's default stays.
 */
import { Worker } from 'node:worker_threads';
import type { Logger } from '../../core/log.js';
import type { SqliteDatabase } from '../../runtime/types.js';
import type { CheckpointReport, CheckpointSetup } from './checkpoint-thread.js';

/**
 * Short rounds keep the WAL short. SQLite starts the WAL over only when a commit begins while every
 * frame is already copied; with 200 ms rounds a round never finished between two commits under
 * steady ingest, so the WAL grew to the safety net below and the event loop checkpointed inside a
 * commit (~100–120 ms with its fsync, every ~6 s at 10k events/s on the benchmark machine). Rounds
 * of 50 ms each copy less, often finish between commits, and the WAL starts over every second or
 * so (it stayed under 12 MB at 10k events/s; critical p99 at that load 110–127 ms → 26–68 ms).
 */
const CHECKPOINT_MS = 50;
/** The event loop's own auto-checkpoint while the thread runs: 16,384 pages (64 MiB of WAL). */
const SAFETY_NET_PAGES = 16_384;
const SQLITE_DEFAULT_PAGES = 1000;
/** After the thread stops, it is started again after this long (doubling up to RETRY_MAX_MS). */
const RETRY_MS = 5_000;
const RETRY_MAX_MS = 300_000;

export interface CheckpointerOptions {
  db: SqliteDatabase;
  dbPath: string;
  /** The thread's entry module (see runtime/worker-entry.ts). */
  entry: URL;
  logger: Logger;
  /** First wait before a stopped thread is started again (default RETRY_MS). */
  retryMs?: number;
}

export class Checkpointer {
  /** WAL frames at the last checkpoint, and how many of them the database file has. */
  walFrames = 0;
  checkpointed = 0;
  private worker: Worker | undefined;
  private closing = false;
  private retryMs: number;
  private retry: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly o: CheckpointerOptions) {
    this.retryMs = o.retryMs ?? RETRY_MS;
  }

  /** Starts the thread; false (and SQLite's default checkpoints) when it cannot start. A thread that stops is started again, with backoff. */
  start(): boolean {
    const setup: CheckpointSetup = { dbPath: this.o.dbPath, intervalMs: CHECKPOINT_MS };
    try {
      this.worker = new Worker(this.o.entry, { workerData: setup, name: 'auren-checkpointer' });
    } catch (err) {
      this.o.logger.warn('cannot start the checkpoint thread; the store checkpoints on the main thread', { err, entry: this.o.entry.href });
      return false;
    }
    const w = this.worker;
    w.unref();
    w.on('message', (m: CheckpointReport | { error: string }) => {
      if ('error' in m) return;
      this.retryMs = this.o.retryMs ?? RETRY_MS;
      this.walFrames = m.walFrames;
      this.checkpointed = m.checkpointed;
    });
    w.on('error', (err) => this.lost(w, err));
    w.on('exit', (code) => this.lost(w, new Error(`exited with code ${code}`)));
    this.o.db.exec(`PRAGMA wal_autocheckpoint = ${SAFETY_NET_PAGES}`);
    return true;
  }

  /** Off the event loop right now? */
  offThread(): boolean {
    return this.worker !== undefined;
  }

  private lost(w: Worker, err: Error): void {
    if (this.worker !== w) return;
    this.worker = undefined;
    if (this.closing) return;
    this.o.db.exec(`PRAGMA wal_autocheckpoint = ${SQLITE_DEFAULT_PAGES}`);
    this.o.logger.warn(`the checkpoint thread stopped; the store checkpoints on the main thread until it is started again in ${this.retryMs / 1000} s`, { err });
    this.retry = setTimeout(() => {
      this.retry = undefined;
      if (!this.closing) this.start();
    }, this.retryMs);
    this.retry.unref?.();
    this.retryMs = Math.min(RETRY_MAX_MS, this.retryMs * 2);
  }

  async close(): Promise<void> {
    this.closing = true;
    clearTimeout(this.retry);
    const w = this.worker;
    this.worker = undefined;
    if (!w) return;
    // Referenced while it stops: an unreferenced thread and timer would let Node end the process
    // in the middle of shutdown (exit code 13, top-level await unfinished).
    w.ref();
    const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
    w.postMessage('stop');
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 1000)))]);
    clearTimeout(timer);
    await w.terminate();
  }
}
