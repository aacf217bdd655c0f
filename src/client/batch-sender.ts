/**
 * Sends buffered events in batches (by count, bytes or time, whichever first; critical events at
 * once), one request at a time so order is kept, gzip when the runtime has CompressionStream.
 * 429, 408, 5xx and network errors are retried with full-jitter exponential backoff, never sooner
 * than Retry-After; the same ids go again, so the server's dedup makes a retry count once.
 */
import { fullJitter, retryAfterMs, unrefTimer } from './backoff.js';
import type { Entry, EventBuffer } from './event-buffer.js';
import type { Tier } from './types.js';

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface SenderOptions {
  url: string;
  apiKey?: string;
  fetch: FetchLike;
  batchSize: number;
  batchBytes: number;
  flushIntervalMs: number;
  gzip: boolean;
  retryBaseMs: number;
  retryMaxMs: number;
  requestTimeoutMs: number;
  onError?: (err: ClientError) => void;
}

export interface ClientError {
  kind: 'rejected' | 'retrying' | 'dropped';
  message: string;
  status?: number;
  errors?: { index: number; error: string }[];
  events?: number;
}

export interface SenderStats {
  accepted: number;
  duplicates: number;
  rejected: number;
  retries: number;
  batches: number;
  inflight: number;
}

const COMPRESS_FROM_BYTES = 1024;
/** Under the browsers' 64 KiB budget for keepalive bodies, with room for headers. */
const KEEPALIVE_BYTES = 60 * 1024;

interface Waiter {
  mark: number;
  resolve: (ok: boolean) => void;
  timer?: ReturnType<typeof setTimeout>;
}

export class BatchSender {
  readonly stats: SenderStats = { accepted: 0, duplicates: 0, rejected: 0, retries: 0, batches: 0, inflight: 0 };
  private inflight: Entry[] = [];
  private running = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private waiters: Waiter[] = [];
  private wake: (() => void) | undefined;
  /** After this time (ms since epoch) a failing batch is given up instead of retried (close). */
  private deadline = Infinity;

  constructor(
    private readonly buffer: EventBuffer,
    private readonly o: SenderOptions,
    private readonly dropped: (entries: Entry[], why: string) => void,
  ) {}

  /** Called after each emit: send now for critical events or a full batch, else within the interval. */
  notify(tier: Tier): void {
    if (tier === 'critical' || this.buffer.count >= this.o.batchSize || this.buffer.bytes >= this.o.batchBytes) this.kick();
    else this.timer ??= unrefTimer(setTimeout(() => this.kick(), this.o.flushIntervalMs));
  }

  /** Resolves true once every event emitted up to `mark` was sent or dropped, false on timeout. */
  drained(mark: number, timeoutMs: number): Promise<boolean> {
    this.kick();
    if (this.doneUpTo(mark)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const w: Waiter = { mark, resolve };
      if (Number.isFinite(timeoutMs)) {
        w.timer = setTimeout(() => {
          this.waiters = this.waiters.filter((x) => x !== w);
          resolve(false);
        }, timeoutMs);
      }
      this.waiters.push(w);
    });
  }

  /** Stop retrying failed batches after `at`: what is still undelivered then is dropped and counted. */
  giveUpAt(at: number): void {
    this.deadline = at;
    this.wake?.();
  }

  checkWaiters(): void {
    if (!this.waiters.length) return;
    this.waiters = this.waiters.filter((w) => {
      if (!this.doneUpTo(w.mark)) return true;
      clearTimeout(w.timer);
      w.resolve(true);
      return false;
    });
  }

  private doneUpTo(mark: number): boolean {
    return this.buffer.minSeq() > mark && (this.inflight.length === 0 || this.inflight[0].seq > mark);
  }

  /**
   * The page is going away: hand what fits in one keepalive request (browsers cap those at 64 KiB)
   * to the browser, which sends it after the page is gone. Not retried: there is no one left to.
   */
  sendOnUnload(): void {
    const entries = this.buffer.take(this.o.batchSize, KEEPALIVE_BYTES);
    if (entries.length === 0) return;
    const headers: Record<string, string> = { 'content-type': 'application/x-ndjson' };
    if (this.o.apiKey) headers.authorization = `Bearer ${this.o.apiKey}`;
    const body = entries.map((e) => e.line).join('\n');
    this.o.fetch(`${this.o.url}/v1/events`, { method: 'POST', headers, body, keepalive: true }).then(
      async (res) => {
        const r = (await res.json().catch(() => ({}))) as { accepted?: number; duplicates?: number };
        this.stats.accepted += r.accepted ?? 0;
        this.stats.duplicates += r.duplicates ?? 0;
      },
      () => {},
    );
    this.checkWaiters();
  }

  /** Sends what is buffered now rather than at the end of the interval. */
  kick(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.running) void this.pump();
  }

  private async pump(): Promise<void> {
    this.running = true;
    try {
      while (this.buffer.count > 0) {
        this.inflight = this.buffer.take(this.o.batchSize, this.o.batchBytes);
        this.stats.inflight = this.inflight.length;
        await this.send(this.inflight);
        this.inflight = [];
        this.stats.inflight = 0;
        this.checkWaiters();
      }
    } finally {
      this.running = false;
      this.checkWaiters();
    }
  }

  private async send(entries: Entry[]): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      let status = 0;
      let wait: number | undefined;
      let message: string;
      try {
        const res = await this.post(entries);
        status = res.status;
        const body = (await res.json().catch(() => ({}))) as { accepted?: number; duplicates?: number; rejected?: number; errors?: ClientError['errors']; error?: string };
        if (res.ok || status === 400) {
          this.stats.batches++;
          this.stats.accepted += body.accepted ?? 0;
          this.stats.duplicates += body.duplicates ?? 0;
          const rejected = res.ok ? (body.rejected ?? 0) : entries.length;
          this.stats.rejected += rejected;
          if (rejected) this.o.onError?.({ kind: 'rejected', status, message: body.error ?? `${rejected} events were rejected`, errors: body.errors, events: rejected });
          return;
        }
        if (status === 413 && entries.length > 1) {
          // Too big for this server: send the first half now, the rest goes back to the buffer.
          const keep = entries.splice(0, Math.ceil(entries.length / 2));
          this.buffer.putBack(entries.splice(0));
          entries.push(...keep);
          attempt = -1;
          continue;
        }
        message = body.error ?? `HTTP ${status}`;
        if (status !== 429 && status !== 408 && status < 500) {
          this.stats.rejected += entries.length;
          this.o.onError?.({ kind: 'rejected', status, message, events: entries.length });
          return;
        }
        wait = retryAfterMs(res.headers.get('retry-after'));
      } catch (err) {
        message = `request failed: ${(err as Error).message}`;
      }
      if (Date.now() >= this.deadline) {
        this.dropped(entries, `not delivered before close: ${message}`);
        return;
      }
      const delay = Math.max(wait ?? 0, fullJitter(attempt, this.o.retryBaseMs, this.o.retryMaxMs));
      this.stats.retries++;
      this.o.onError?.({ kind: 'retrying', status: status || undefined, message: `${message}; retry in ${delay} ms`, events: entries.length });
      await this.sleep(Math.min(delay, Math.max(0, this.deadline - Date.now())));
    }
  }

  private async post(entries: Entry[]): Promise<Response> {
    let body: BodyInit = entries.map((e) => e.line).join('\n');
    const headers: Record<string, string> = { 'content-type': 'application/x-ndjson' };
    if (this.o.apiKey) headers.authorization = `Bearer ${this.o.apiKey}`;
    if (this.o.gzip && body.length >= COMPRESS_FROM_BYTES && typeof CompressionStream !== 'undefined') {
      body = await new Response(new Blob([body]).stream().pipeThrough(new CompressionStream('gzip'))).arrayBuffer();
      headers['content-encoding'] = 'gzip';
    }
    return this.o.fetch(`${this.o.url}/v1/events`, { method: 'POST', headers, body, signal: AbortSignal.timeout(this.o.requestTimeoutMs) });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      // Someone awaiting flush()/close() must keep the process alive through the retry wait.
      const t = setTimeout(done, ms);
      if (this.waiters.length === 0 && !Number.isFinite(this.deadline)) unrefTimer(t);
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.wake = done;
    });
  }
}
