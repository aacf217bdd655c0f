/**
 * Reads and encodes segments on a worker thread, so the event loop (ingest, live delivery) never
 * waits for Parquet: the thread opens its own read-only connection to the store, and the loop only
 * posts a request and receives the bytes (transferred, not copied). Measured on the binary, a
 * 100k-event segment held the loop ~0.3 s per 32k-row group when encoded in-thread.
 *
 * If the thread cannot start or dies, encoding falls back to the event loop (warned once); if it
 * reports an error for one segment, that segment is encoded on the loop and the thread stays.
 */
import { Worker } from 'node:worker_threads';
import type { Logger } from '../../core/log.js';
import type { CodecSpec } from '../compression.js';
import type { EncodedSegment, SegmentEncoder, SegmentLimit } from '../segment-encoder.js';
import type { EncodeReply, EncodeRequest, EncoderSetup } from './protocol.js';

export interface WorkerEncoderOptions {
  /** The thread's entry module (see runtime/worker-entry.ts). */
  entry: URL;
  /** The SQLite store the thread reads. */
  dbPath: string;
  codec: CodecSpec;
  logger: Logger;
  /** Used when the thread is not available, and for a segment the thread failed on. */
  fallback: SegmentEncoder;
}

interface Waiting {
  resolve: (s: EncodedSegment) => void;
  reject: (err: Error) => void;
}

/** The thread is gone (or never came up): not the segment's fault. */
class ThreadLost extends Error {}

/** After the thread is lost, segments are encoded on the event loop for this long before it is tried again (doubling). */
const RETRY_MS = 30_000;
const RETRY_MAX_MS = 600_000;

export class WorkerSegmentEncoder implements SegmentEncoder {
  private worker: Worker | undefined;
  /** While Date.now() is below this, the thread is not tried (0: never lost). */
  private retryAt = 0;
  private retryMs = RETRY_MS;
  private closed = false;
  private nextId = 1;
  private readonly waiting = new Map<number, Waiting>();

  constructor(private readonly o: WorkerEncoderOptions) {}

  offThread(): boolean {
    return !this.closed && Date.now() >= this.retryAt;
  }

  async encode(from: number, limit: SegmentLimit, writer: string, skip?: ReadonlySet<string>, level?: number): Promise<EncodedSegment> {
    if (!this.offThread()) return this.o.fallback.encode(from, limit, writer, skip, level);
    try {
      const segment = await this.request({ id: this.nextId++, from, limit, writer, skip: [...(skip ?? [])], level });
      this.retryMs = RETRY_MS;
      return segment;
    } catch (err) {
      if (this.closed) throw err;
      if (err instanceof ThreadLost) {
        this.giveUp(err);
      } else {
        this.o.logger.warn('archive encoder thread failed on a segment; encoding it on the main thread', { err, from });
      }
      return this.o.fallback.encode(from, limit, writer, skip, level);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const w = this.worker;
    this.worker = undefined;
    this.failAll(new ThreadLost('archive encoder closed'));
    if (w) await w.terminate();
    await this.o.fallback.close();
  }

  private request(req: EncodeRequest): Promise<EncodedSegment> {
    const w = this.worker ?? this.start();
    return new Promise<EncodedSegment>((resolve, reject) => {
      this.waiting.set(req.id, { resolve, reject });
      // Only while a segment is in the thread does it keep the process alive.
      w.ref();
      w.postMessage(req);
    });
  }

  private start(): Worker {
    const setup: EncoderSetup = { dbPath: this.o.dbPath, codec: { name: this.o.codec.name, level: this.o.codec.level } };
    let w: Worker;
    try {
      w = new Worker(this.o.entry, { workerData: setup, name: 'auren-archive-encoder' });
    } catch (err) {
      throw new ThreadLost(`cannot start the archive encoder thread (${this.o.entry.href}): ${(err as Error).message}`, { cause: err });
    }
    w.on('message', (reply: EncodeReply) => {
      const waiter = this.waiting.get(reply.id);
      if (!waiter) return;
      this.waiting.delete(reply.id);
      if (this.waiting.size === 0) w.unref();
      if (reply.ok) waiter.resolve(reply.segment);
      else waiter.reject(new Error(reply.error));
    });
    w.on('error', (err) => this.lost(w, new ThreadLost(`archive encoder thread failed: ${err.message}`, { cause: err })));
    w.on('exit', (code) => this.lost(w, new ThreadLost(`archive encoder thread exited with code ${code}`)));
    w.unref();
    this.worker = w;
    this.o.logger.debug('archive encoder thread started', { entry: this.o.entry.href, codec: `${setup.codec.name}(${setup.codec.level})` });
    return w;
  }

  private lost(w: Worker, err: ThreadLost): void {
    if (this.worker !== w) return;
    this.worker = undefined;
    this.failAll(err);
  }

  private failAll(err: Error): void {
    const waiters = [...this.waiting.values()];
    this.waiting.clear();
    for (const waiter of waiters) waiter.reject(err);
  }

  /** Encodes on the event loop for a while, then tries a new thread (a missing entry keeps failing quietly). */
  private giveUp(err: Error): void {
    const first = this.retryAt === 0;
    this.retryAt = Date.now() + this.retryMs;
    const wait = this.retryMs;
    this.retryMs = Math.min(RETRY_MAX_MS, this.retryMs * 2);
    const w = this.worker;
    this.worker = undefined;
    void w?.terminate();
    const msg = `archive encoder thread unavailable; encoding Parquet on the main thread (ingest and live delivery pause while a file is encoded), trying a new thread in ${wait / 1000} s`;
    if (first) this.o.logger.warn(msg, { err });
    else this.o.logger.debug(msg, { err });
  }
}
