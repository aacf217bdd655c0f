/**
 * createClient: emit events without ever blocking or throwing for backpressure, flush, close, and
 * subscribe to the live stream. Runs on Node 20+, Bun and browsers (fetch, Web Crypto,
 * CompressionStream, WebSocket — pass `WebSocket` from the `ws` package on Node 20).
 *
 * @example
 * const auren = createClient({ url: 'http://127.0.0.1:8080', apiKey: process.env.AUREN_KEY });
 * auren.emit({ type: 'llm.call', model: 'gpt-4o', usage: { input_tokens: 1200, output_tokens: 80 } });
 * await auren.close();
 */
import { BatchSender, type ClientError, type FetchLike, type SenderStats } from './batch-sender.js';
import { EventBuffer, type Entry } from './event-buffer.js';
import { subscribe, type SubscribeOptions, type Subscription, type WebSocketLike } from './subscriber.js';
import { tierOf } from './tier.js';
import type { AurenEvent, StreamFilter, StreamFrame, Tier } from './types.js';
import { uuidv7 } from './uuid.js';

export interface ClientOptions {
  /** Server base URL, e.g. http://127.0.0.1:8080 */
  url: string;
  apiKey?: string;
  /** Events per request (default 500) and bytes per request before gzip (default 1 MiB). */
  batchSize?: number;
  batchBytes?: number;
  /** Longest an event waits for its batch (default 1000 ms); critical events go at once. */
  flushIntervalMs?: number;
  /** Buffer bound: events (default 10,000) and serialized bytes (default 16 MiB). */
  maxBufferedEvents?: number;
  maxBufferedBytes?: number;
  /** Retry backoff: full jitter from base (default 250 ms) up to max (default 30 s). */
  retryBaseMs?: number;
  retryMaxMs?: number;
  requestTimeoutMs?: number;
  gzip?: boolean;
  fetch?: FetchLike;
  /** WebSocket constructor for subscribe(); defaults to the global one. */
  WebSocket?: WebSocketLike;
  /** Told about rejected batches, retries and drops (never throws into your code). */
  onError?: (err: ClientError) => void;
  /** In browsers: send what is buffered when the tab is hidden, and with keepalive on pagehide (default true). */
  flushOnPageHide?: boolean;
  /** Called for each event the drop policy removes. */
  onDrop?: (info: { id: string; tier: Tier; reason: string }) => void;
}

export interface ClientStats extends SenderStats {
  emitted: number;
  buffered: number;
  bufferedBytes: number;
  dropped: Record<Tier, number> & { total: number };
}

export interface AurenClient {
  /** Queues an event and returns its id; never blocks, never throws. */
  emit(event: AurenEvent): string | undefined;
  /** Resolves true once everything emitted so far was sent (or dropped by policy), false on timeout. */
  flush(timeoutMs?: number): Promise<boolean>;
  /** Flushes (up to timeoutMs, default 10 s), then drops what is left and stops. */
  close(timeoutMs?: number): Promise<boolean>;
  subscribe(filter: StreamFilter, onFrame: (frame: StreamFrame) => void, opts?: SubscribeOptions): Subscription;
  stats(): ClientStats;
}

export function createClient(o: ClientOptions): AurenClient {
  const url = o.url.replace(/\/+$/, '');
  const dropped: Record<Tier, number> = { critical: 0, operational: 0, analytical: 0 };
  const report = (e: Entry, reason: string) => {
    try {
      o.onDrop?.({ id: e.id, tier: e.tier, reason });
    } catch {}
  };
  const buffer = new EventBuffer(o.maxBufferedEvents ?? 10_000, o.maxBufferedBytes ?? 16 * 1024 * 1024, (e) => report(e, 'buffer full'));
  const safeOnError = (err: ClientError) => {
    try {
      o.onError?.(err);
    } catch {}
  };
  const sender = new BatchSender(
    buffer,
    {
      url,
      apiKey: o.apiKey,
      fetch: o.fetch ?? ((u, init) => globalThis.fetch(u, init)),
      batchSize: o.batchSize ?? 500,
      batchBytes: o.batchBytes ?? 1024 * 1024,
      flushIntervalMs: o.flushIntervalMs ?? 1000,
      gzip: o.gzip ?? true,
      retryBaseMs: o.retryBaseMs ?? 250,
      retryMaxMs: o.retryMaxMs ?? 30_000,
      requestTimeoutMs: o.requestTimeoutMs ?? 30_000,
      onError: safeOnError,
    },
    (entries, why) => {
      for (const e of entries) {
        dropped[e.tier]++;
        report(e, why);
      }
      safeOnError({ kind: 'dropped', message: why, events: entries.length });
    },
  );
  const subs = new Set<Subscription>();
  const detach = watchPage(o.flushOnPageHide !== false, () => sender.kick(), () => sender.sendOnUnload());
  let seq = 0;
  let emitted = 0;
  let closed = false;

  return {
    emit(event) {
      const tier = event && typeof event.type === 'string' ? tierOf(event) : 'operational';
      let line: string;
      let id: string;
      try {
        if (closed) throw new Error('the client is closed');
        if (!event || typeof event.type !== 'string') throw new Error('an event needs a "type" such as "llm.call"');
        id = event.id ?? uuidv7();
        line = JSON.stringify({ ...event, id, ts: event.ts ?? Date.now() });
      } catch (err) {
        dropped[tier]++;
        safeOnError({ kind: 'dropped', message: `event not queued: ${(err as Error).message}`, events: 1 });
        return undefined;
      }
      emitted++;
      const entry: Entry = { seq: ++seq, tier, id, line, bytes: line.length * 2 };
      buffer.push(entry);
      sender.checkWaiters();
      sender.notify(tier);
      return id;
    },
    flush(timeoutMs = 30_000) {
      return sender.drained(seq, timeoutMs);
    },
    async close(timeoutMs = 10_000) {
      closed = true;
      detach();
      for (const s of subs) s.close();
      sender.giveUpAt(Date.now() + timeoutMs);
      const ok = await sender.drained(seq, timeoutMs + 1000);
      return ok;
    },
    subscribe(filter, onFrame, opts = {}) {
      const s = subscribe({ url, apiKey: o.apiKey, WebSocket: o.WebSocket, ...opts }, filter, onFrame);
      subs.add(s);
      return s;
    },
    stats() {
      const d = { critical: dropped.critical + buffer.dropped.critical, operational: dropped.operational + buffer.dropped.operational, analytical: dropped.analytical + buffer.dropped.analytical };
      return { ...sender.stats, emitted, buffered: buffer.count, bufferedBytes: buffer.bytes, dropped: { ...d, total: d.critical + d.operational + d.analytical } };
    },
  };
}

/** Browser page lifecycle hooks (no-ops elsewhere); returns a function that removes them. */
function watchPage(enabled: boolean, onHidden: () => void, onUnload: () => void): () => void {
  const doc = (globalThis as { document?: Document }).document;
  if (!enabled || !doc || typeof globalThis.addEventListener !== 'function') return () => {};
  const visibility = () => {
    if (doc.visibilityState === 'hidden') onHidden();
  };
  doc.addEventListener('visibilitychange', visibility);
  globalThis.addEventListener('pagehide', onUnload);
  return () => {
    doc.removeEventListener('visibilitychange', visibility);
    globalThis.removeEventListener('pagehide', onUnload);
  };
}
