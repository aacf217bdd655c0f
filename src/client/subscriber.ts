/**
 * A live stream subscription over WebSocket that survives disconnects: it reconnects with
 * full-jitter backoff (longer after 1012/1013, at once after 4008 "slow consumer", never after
 * 4001/4003: the key was removed or lost access, so retrying with it cannot succeed), resumes with
 * `since=<seq>` and drops the events it already delivered, so the handler sees each event once.
 *
 * Within a tier seq only grows, but tiers are flushed at different times (critical at once,
 * analytical every 500 ms), so "the highest seq seen" is not a safe resume point. The safe point
 * is the highest seq seen at least `resumeHorizonMs` before the disconnect (every lower seq had
 * been delivered by then), or a seq the server vouched for (replay_done, heartbeat).
 */
import { fullJitter, unrefTimer } from './backoff.js';
import type { StoredEvent, StreamFilter, StreamFrame } from './types.js';

/** The standard WebSocket constructor shape (browsers, Bun, Node 22+, or the `ws` package). */
export type WebSocketLike = new (url: string) => {
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
};

export interface SubscribeOptions {
  /** Replay stored events after this seq on the first connect (default: live only). */
  since?: number;
  reconnectBaseMs?: number;
  reconnectMaxMs?: number;
  /** Longer than the slowest tier batch interval of the server (analytical: 500 ms). */
  resumeHorizonMs?: number;
  onState?: (state: 'open' | 'reconnecting' | 'closed', info: { attempt: number; delayMs?: number; code?: number; reason?: string }) => void;
}

export interface Subscription {
  close(): void;
  /** The seq a reconnect would resume from. */
  readonly resumeSeq: number | undefined;
}

interface Settings extends SubscribeOptions {
  url: string;
  apiKey?: string;
  WebSocket?: WebSocketLike;
}

const TRY_AGAIN_LATER = new Set([1012, 1013]);
const SLOW_CONSUMER = 4008;
/** The server closed the stream because its key was removed (4001) or no longer covers it (4003). */
const ACCESS_ENDED = new Set([4001, 4003]);

export function subscribe(s: Settings, filter: StreamFilter, onFrame: (frame: StreamFrame) => void): Subscription {
  const Ctor = s.WebSocket ?? (globalThis as { WebSocket?: WebSocketLike }).WebSocket;
  if (!Ctor) throw new Error('no WebSocket in this runtime: pass createClient({ WebSocket }) (e.g. from the "ws" package on Node 20)');
  const horizon = s.resumeHorizonMs ?? 2000;
  const base = s.reconnectBaseMs ?? 500;
  const cap = s.reconnectMaxMs ?? 30_000;
  let certified = s.since;
  /** Recently delivered events: [seq, time received]; seqs above the resume point, for dedup. */
  let recent: [number, number][] = [];
  let delivered = new Set<number>();
  let attempt = 0;
  let stopped = false;
  let ws: InstanceType<WebSocketLike> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** When the last connection dropped: the resume point is judged as of then, not of the retry. */
  let lostAt: number | undefined;

  /** Lowest seq ever delivered: resuming just below it is safe when nothing is older than the horizon yet. */
  let firstSeq: number | undefined;
  const resumeSeq = (now: number): number | undefined => {
    let safe = certified;
    for (const [seq, at] of recent) if (at <= now - horizon && (safe === undefined || seq > safe)) safe = seq;
    if (safe === undefined && firstSeq !== undefined) safe = firstSeq - 1;
    return safe;
  };
  const prune = (now: number) => {
    const safe = resumeSeq(now);
    if (safe === undefined) return;
    recent = recent.filter(([seq, at]) => seq > safe || at > now - horizon);
    if (delivered.size > 1000) delivered = new Set([...delivered].filter((x) => x > safe));
  };

  const connect = () => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(filter)) if (v !== undefined) q.set(k, Array.isArray(v) ? v.join(',') : String(v));
    const since = resumeSeq(lostAt ?? Date.now());
    if (since !== undefined) q.set('since', String(since));
    if (s.apiKey) q.set('token', s.apiKey);
    const sock = new Ctor(`${s.url.replace(/^http/, 'ws')}/v1/stream?${q}`);
    ws = sock;
    sock.onopen = () => s.onState?.('open', { attempt });
    sock.onmessage = (ev) => {
      if (typeof ev.data !== 'string') return;
      let frame: StreamFrame;
      try {
        frame = JSON.parse(ev.data) as StreamFrame;
      } catch {
        return;
      }
      attempt = 0;
      const now = Date.now();
      if (frame.type === 'events') {
        const fresh: StoredEvent[] = [];
        for (const e of frame.events) {
          if (delivered.has(e.seq)) continue;
          delivered.add(e.seq);
          if (firstSeq === undefined || e.seq < firstSeq) firstSeq = e.seq;
          recent.push([e.seq, now]);
          fresh.push(e);
        }
        // Servers that say where it is safe to resume make the horizon heuristic unnecessary.
        if (typeof frame.resume === 'number') certified = Math.max(certified ?? 0, frame.resume);
        if (recent.length > 256) prune(now);
        if (fresh.length) deliver({ ...frame, events: fresh });
        return;
      }
      if ((frame.type === 'replay_done' || frame.type === 'heartbeat') && typeof frame.seq === 'number') {
        certified = Math.max(certified ?? 0, frame.seq);
      }
      deliver(frame);
    };
    sock.onerror = () => {};
    sock.onclose = (ev) => {
      if (ws !== sock) return;
      ws = undefined;
      if (stopped) return;
      if (ACCESS_ENDED.has(ev.code)) {
        stopped = true;
        s.onState?.('closed', { attempt, code: ev.code, reason: ev.reason });
        return;
      }
      lostAt = Date.now();
      let delay = fullJitter(attempt++, base, cap);
      if (TRY_AGAIN_LATER.has(ev.code)) delay = Math.max(delay, 1000 + fullJitter(attempt, 1000, cap));
      if (ev.code === SLOW_CONSUMER) {
        const hinted = /since=(\d+)/.exec(ev.reason ?? '');
        if (hinted) certified = Math.min(resumeSeq(lostAt) ?? Number(hinted[1]), Number(hinted[1]));
        delay = fullJitter(0, 100, 100);
      }
      s.onState?.('reconnecting', { attempt, delayMs: delay, code: ev.code, reason: ev.reason });
      timer = unrefTimer(setTimeout(connect, delay));
    };
  };

  const deliver = (f: StreamFrame) => {
    try {
      onFrame(f);
    } catch {}
  };

  connect();
  return {
    close() {
      stopped = true;
      clearTimeout(timer);
      ws?.close(1000, 'client closed');
      s.onState?.('closed', { attempt });
    },
    get resumeSeq() {
      return resumeSeq(Date.now());
    },
  };
}
