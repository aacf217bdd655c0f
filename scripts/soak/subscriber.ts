/**
 * A stream subscriber that behaves like a careful client: it reconnects (with backoff) whenever the
 * server goes away and resumes with `since` = the last safe resume point it was given (`resume` in
 * event frames, heartbeats, replay_done), then de-duplicates by id. It records what it received and
 * anything the server said it dropped (`lagged`).
 */
import WebSocket from 'ws';
import { IdSet } from './id-set.js';

export class Subscriber {
  readonly received: IdSet;
  duplicates = 0;
  /** Events the server reported as dropped for this client (lagged frames): policy, not loss. */
  lagged = 0;
  reconnects = 0;
  seqRegressions = 0;
  /** Highest safe resume point the server vouched for. */
  resume = 0;
  /** seq of the last replay_done or heartbeat: everything up to it has been sent. */
  caughtUpTo = 0;
  private ws: WebSocket | undefined;
  private stopped = false;
  private readonly lastSeqByTier = new Map<string, number>();

  constructor(
    private readonly url: string,
    idPrefix: string,
    /** Stop reconnecting once a replay_done arrives (a one-shot reader of the store). */
    private readonly once = false,
  ) {
    this.received = new IdSet(idPrefix);
  }

  /** Resolves when a replay_done has arrived (with once = true: the whole store was read). */
  async caughtUp(timeoutMs: number): Promise<boolean> {
    const start = Date.now();
    while (this.caughtUpTo === 0 || (this.once && !this.stopped)) {
      if (Date.now() - start > timeoutMs) return false;
      await new Promise((r) => setTimeout(r, 100));
    }
    return true;
  }

  start(): this {
    this.connect(0);
    return this;
  }

  stop(): void {
    this.stopped = true;
    this.ws?.terminate();
  }

  private connect(attempt: number): void {
    if (this.stopped) return;
    const ws = new WebSocket(`${this.url.replace('http', 'ws')}/v1/stream?since=${this.resume}`);
    this.ws = ws;
    // A fresh connection starts a fresh per-tier order (the replay repeats what came after `resume`).
    this.lastSeqByTier.clear();
    let opened = false;
    ws.on('open', () => {
      opened = true;
      if (attempt > 0 || this.reconnects > 0) this.reconnects++;
    });
    ws.on('message', (d) => this.frame(String(d)));
    ws.on('error', () => {});
    ws.on('close', () => {
      if (this.stopped) return;
      const delay = Math.min(2000, 100 * 2 ** Math.min(attempt, 5)) * (0.5 + Math.random() / 2);
      setTimeout(() => this.connect(opened ? 0 : attempt + 1), delay);
    });
  }

  private frame(text: string): void {
    const f = JSON.parse(text) as { type: string; tier?: string; resume?: number; seq?: number; dropped?: number; events?: { id: string; seq: number }[] };
    if (f.type === 'events') {
      for (const e of f.events!) {
        if (!this.received.add(e.id) && this.received.has(e.id)) this.duplicates++;
        const last = this.lastSeqByTier.get(f.tier!) ?? 0;
        if (e.seq <= last) this.seqRegressions++;
        this.lastSeqByTier.set(f.tier!, e.seq);
      }
      if (typeof f.resume === 'number') this.resume = Math.max(this.resume, f.resume);
    } else if (f.type === 'heartbeat' || f.type === 'replay_done') {
      this.resume = Math.max(this.resume, f.seq!);
      this.caughtUpTo = Math.max(this.caughtUpTo, f.seq!);
      if (this.once && f.type === 'replay_done') this.stop();
    } else if (f.type === 'lagged') {
      this.lagged += f.dropped ?? 0;
    }
  }
}
