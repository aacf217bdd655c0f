/**
 * A WebSocket to /v1/stream that stays up: reconnects with jittered backoff and resumes with
 * `since=<safe seq>` so nothing is missed across a server restart. Frames are parsed here and handed
 * on; the page batches their rendering.
 */
import { authHeaders, currentKey } from './auth.js';
import { jitteredDelay } from './backoff.js';
import { ResumePoint } from './resume-point.js';
import type { Frame } from './types.js';

export type ConnectionState = 'connecting' | 'live' | 'replaying' | 'reconnecting' | 'unauthorized' | 'stopped';

export interface StreamOptions {
  /** Filter query fields (tiers, types, dashboards…), sent on every (re)connect. */
  query: () => Record<string, string | undefined>;
  onFrame: (frame: Frame) => void;
  onState: (state: ConnectionState, detail: string) => void;
  /**
   * Called before each reconnect: may check auth and the store (e.g. a reset store means since=0).
   * Return false to stay disconnected (the page asks for a key and calls start() again).
   */
  beforeConnect?: (since: number | undefined) => Promise<{ ok: boolean; since?: number | undefined }>;
  /**
   * When a socket fails before opening, ask the server why with a plain GET of the same URL: a
   * browser hides the upgrade's status. A 4xx (bad filter, bad key) stops retrying and shows the
   * server's message. The page's own fixed query does not need this; the inspector's typed one does.
   */
  diagnose?: boolean;
}

/** Close codes after which retrying is pointless until something changes (bad filter). */
const NO_RETRY = new Set([1008]);

export class StreamConnection {
  readonly resume = new ResumePoint();
  private ws: WebSocket | undefined;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = true;
  private openedAt = 0;
  /** Frames received on this page, for the status line. */
  frames = 0;

  constructor(private readonly o: StreamOptions) {}

  /** Connects (or reconnects now) from a given seq, or live; resumes after a drop take over from there. */
  start(since?: number): void {
    this.stopped = false;
    clearTimeout(this.timer);
    this.attempt = 0;
    this.resume.reset();
    this.resume.connectedFrom(since);
    this.close();
    void this.open();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.close();
    this.o.onState('stopped', 'disconnected');
  }

  send(obj: unknown): boolean {
    if (this.ws?.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(obj));
    return true;
  }

  private close(): void {
    const ws = this.ws;
    this.ws = undefined;
    if (ws) {
      ws.onclose = ws.onmessage = ws.onerror = ws.onopen = null;
      ws.close(1000, 'page closed the stream');
    }
  }

  private url(since: number | undefined): string {
    const u = new URL('v1/stream', location.href);
    u.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    for (const [k, v] of Object.entries(this.o.query())) if (v) u.searchParams.set(k, v);
    if (since !== undefined) u.searchParams.set('since', String(since));
    const key = currentKey();
    if (key) u.searchParams.set('token', key);
    return u.toString();
  }

  private async open(): Promise<void> {
    let since = this.resume.since();
    if (this.o.beforeConnect) {
      let verdict: { ok: boolean; since?: number };
      try {
        verdict = await this.o.beforeConnect(since);
      } catch (err) {
        // The server is not answering yet: keep backing off.
        this.retry(`server unreachable (${(err as Error).message})`);
        return;
      }
      if (this.stopped) return;
      if (!verdict.ok) {
        this.o.onState('unauthorized', 'a read key is needed');
        return;
      }
      if ('since' in verdict) since = verdict.since;
    }
    this.o.onState(this.attempt ? 'reconnecting' : 'connecting', since !== undefined ? `resuming after seq ${since}` : 'connecting');
    const ws = new WebSocket(this.url(since));
    this.ws = ws;
    ws.onopen = () => {
      this.openedAt = Date.now();
      this.resume.connectedFrom(since);
      this.o.onState(since !== undefined ? 'replaying' : 'live', since !== undefined ? `replaying after seq ${since}` : 'live');
      if (since === undefined) this.attempt = 0;
    };
    ws.onmessage = (m) => this.message(m.data);
    ws.onclose = (c) => {
      if (this.ws !== ws) return;
      this.ws = undefined;
      if (this.stopped) return;
      if (!this.openedAt && this.o.diagnose) {
        void this.diagnoseFailure(ws.url);
        return;
      }
      // A connection that lived a while earns a fresh backoff.
      if (this.openedAt && Date.now() - this.openedAt > 10_000) this.attempt = 0;
      this.openedAt = 0;
      if (NO_RETRY.has(c.code)) {
        this.o.onState('stopped', `closed by the server: ${c.reason || c.code}`);
        return;
      }
      this.retry(c.reason ? `${c.reason} (${c.code})` : `connection lost (${c.code})`);
    };
  }

  private async diagnoseFailure(wsUrl: string): Promise<void> {
    const u = new URL(wsUrl);
    u.protocol = location.protocol;
    // The server takes ?token= only on a real stream open; this plain GET sends the key as a header.
    u.searchParams.delete('token');
    let problem: { status: number; error: string } | undefined;
    try {
      const res = await fetch(u, { headers: { Accept: 'application/json', ...authHeaders() }, cache: 'no-store' });
      // 426 means the request itself was fine and only lacked the upgrade: a transient failure.
      if (res.status >= 400 && res.status < 500 && res.status !== 426 && res.status !== 429) {
        const body = (await res.json().catch(() => ({}))) as { error?: string };
        problem = { status: res.status, error: body.error ?? res.statusText };
      }
    } catch {
      // unreachable: retry below
    }
    if (this.stopped) return;
    if (!problem) return this.retry('connection failed');
    this.stopped = true;
    this.o.onState(problem.status === 401 ? 'unauthorized' : 'stopped', `the server refused the stream (${problem.status}): ${problem.error}`);
  }

  private retry(why: string): void {
    if (this.stopped) return;
    const delay = jitteredDelay(this.attempt++);
    this.o.onState('reconnecting', `${why}; retrying in ${(delay / 1000).toFixed(1)} s`);
    this.timer = setTimeout(() => void this.open(), delay);
  }

  private message(data: unknown): void {
    if (typeof data !== 'string') return;
    let frame: Frame;
    try {
      frame = JSON.parse(data) as Frame;
    } catch {
      return;
    }
    this.frames++;
    const now = Date.now();
    if (frame.type === 'events') {
      const evs = frame.events;
      let max = 0;
      for (const e of evs) if (e.seq > max && e.repeat_count === undefined) max = e.seq;
      if (max) this.resume.sawEvents(max, now);
      // The server's own safe point beats our timing estimate when it sends one.
      if (typeof frame.resume === 'number') this.resume.vouch(frame.resume, now);
    } else if (frame.type === 'heartbeat' || frame.type === 'replay_done') {
      this.resume.vouch(frame.seq, now);
      if (frame.type === 'replay_done') {
        this.attempt = 0;
        this.o.onState('live', 'live');
      }
    }
    this.o.onFrame(frame);
  }
}
