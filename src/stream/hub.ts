/**
 * The fan-out hub. Committed events come in (in seq order) from the log; critical ones go out at once
 * as one-event frames, operational and analytical ones are batched per tier (time or count, whichever
 * first). Clients with the same filter form a group: each batch is filtered and encoded once per group
 * and the same bytes go to every member.
 */
import type { TierBatch } from '../config/schema.js';
import type { Clock } from '../core/clock.js';
import type { StoredEvent, Tier } from '../core/event.js';
import type { Logger } from '../core/log.js';
import type { EventLog } from '../store/event-log.js';
import type { Metrics } from '../telemetry/metrics.js';
import { compileFilter, type CompiledFilter, type StreamFilter } from './filter.js';
import { Frame } from './frame.js';
import { CLOSE_GOING_AWAY, StreamClient, type ClientLimits, type Transport } from './stream-client.js';
import type { SocketSink } from '../runtime/types.js';

interface Group {
  filter: CompiledFilter;
  clients: Set<StreamClient>;
  /** Native publish topic of this group (runtimes that have topics). */
  topic: string;
}

let groupIds = 0;

type BatchedTier = Exclude<Tier, 'critical'>;

/**
 * Holds back repeats of the same event during a storm (see src/storm). Only the live stream is
 * coalesced: the log, dashboards, archive and replays still see every event.
 */
export interface StreamCoalescer {
  /** true = stream this event now; false = held back and counted into a later summary. */
  admit(e: StoredEvent, now: number): boolean;
  /** Starts emitting summary entries (each a StoredEvent whose `wire` carries repeat_count etc.). */
  start(emit: (summary: StoredEvent) => void): void;
  stop(): void;
  /** Lowest seq held back right now (undefined = none): resume points must stay below it. */
  heldFloor?(): number | undefined;
}

export interface HubOptions {
  coalescer?: StreamCoalescer;
  /** Native topic publish (Bun): one write of a frame reaches every subscribed socket. */
  publish?: (topic: string, data: string) => void;
  log: EventLog;
  clock: Clock;
  metrics: Metrics;
  logger: Logger;
  batch: Record<BatchedTier, TierBatch>;
  limits: ClientLimits;
  maxClients: number;
  heartbeatMs: number;
}

const REPLAY_CHUNK = 1000;

export class Hub {
  private readonly groups = new Map<string, Group>();
  private readonly clients = new Set<StreamClient>();
  private readonly pending: Record<BatchedTier, StoredEvent[]> = { operational: [], analytical: [] };
  private readonly timers: Partial<Record<BatchedTier, ReturnType<typeof setTimeout>>> = {};
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private unsubscribe: (() => void) | undefined;
  private closing = false;

  constructor(private readonly o: HubOptions) {
    this.unsubscribe = o.log.onAppend((events) => this.publish(events));
    o.coalescer?.start((summary) => this.routeSummary(summary));
    this.heartbeat = setInterval(() => this.beat(), Math.min(o.heartbeatMs, 5000));
    this.heartbeat.unref?.();
    o.metrics.gauge('auren_stream_clients', 'Connected stream clients by transport', () => this.clientCounts(), 'transport');
    o.metrics.gauge('auren_stream_groups', 'Distinct filter groups', () => this.groups.size);
    o.metrics.gauge('auren_stream_batch_pending_events', 'Events waiting in the tier batchers', () => ({ ...this.pendingCounts() }), 'tier');
  }

  get clientCount(): number {
    return this.clients.size;
  }

  private clientCounts(): Record<string, number> {
    const c = { ws: 0, sse: 0 };
    for (const cl of this.clients) c[cl.transport]++;
    return c;
  }

  private pendingCounts(): Record<string, number> {
    return { operational: this.pending.operational.length, analytical: this.pending.analytical.length };
  }

  /**
   * The highest seq S such that every event ≤ S has already left the batchers: a safe point to
   * resume from (SSE `id:`), since batching lets a later critical event overtake earlier ones.
   */
  safeResumeSeq(): number {
    let s = this.o.log.lastSeq();
    for (const t of ['operational', 'analytical'] as const) {
      const first = this.pending[t][0];
      if (first && first.seq - 1 < s) s = first.seq - 1;
    }
    const held = this.o.coalescer?.heldFloor?.();
    if (held !== undefined && held - 1 < s) s = held - 1;
    return s;
  }

  /** Registers a client; with `since`, replays stored events after it first, then goes live. */
  connect(transport: Transport, sink: SocketSink, filter: StreamFilter, since?: number): StreamClient {
    const client = new StreamClient(transport, sink, compileFilter(filter), this.o.limits, this.o.metrics, this.o.clock.now());
    client.onClosed = () => this.disconnect(client);
    this.clients.add(client);
    this.join(client);
    if (since !== undefined) void this.replay(client, since);
    return client;
  }

  get full(): boolean {
    return this.clients.size >= this.o.maxClients;
  }

  /** Replaces a client's filter (`{"op":"subscribe"}`), optionally replaying from `since`. */
  resubscribe(client: StreamClient, filter: StreamFilter, since?: number): void {
    this.leave(client);
    client.filter = compileFilter(filter);
    this.join(client);
    if (since !== undefined) void this.replay(client, since);
  }

  disconnect(client: StreamClient): void {
    if (!this.clients.delete(client)) return;
    this.leave(client);
    client.state = 'closed';
  }

  /**
   * Closes every client for which `why` gives a close code and reason (e.g. streams whose API key a
   * reload removed), after a last `{"type":"error"}` frame so that SSE clients see the reason too.
   */
  closeWhere(why: (c: StreamClient) => { code: number; reason: string } | undefined): number {
    let n = 0;
    // A copy: each close removes the client from the set.
    for (const c of [...this.clients]) {
      const v = why(c);
      if (!v) continue;
      c.sendControl(Frame.control({ type: 'error', code: v.code, error: v.reason }), this.o.clock.now());
      c.close(v.code, v.reason);
      n++;
    }
    return n;
  }

  private join(client: StreamClient): void {
    let g = this.groups.get(client.filter.key);
    if (!g) {
      g = { filter: client.filter, clients: new Set(), topic: `g${++groupIds}` };
      this.groups.set(client.filter.key, g);
    }
    g.clients.add(client);
  }

  private leave(client: StreamClient): void {
    const g = this.groups.get(client.filter.key);
    if (!g) return;
    g.clients.delete(client);
    client.setTopic(undefined);
    if (g.clients.size === 0) this.groups.delete(client.filter.key);
  }

  /**
   * Replays stored events after `since`, then switches the client to live with no gap and no
   * duplicate: live events arriving meanwhile are held (or, if too many, re-read from the store),
   * and live frames at or below the replayed watermark are skipped.
   */
  private async replay(client: StreamClient, since: number): Promise<void> {
    const run = ++client.replayRun;
    client.state = 'replaying';
    client.pending = [];
    let cursor = Math.max(0, since);
    const f = client.filter.filter;
    try {
      for (;;) {
        const batch = await this.o.log.read(cursor, REPLAY_CHUNK, { projects: f.projects, tiers: f.tiers });
        // Closed, or superseded by a newer subscribe with since: two replays must never interleave.
        if (client.closed || client.replayRun !== run) return;
        if (batch.length > 0) {
          const from = cursor;
          cursor = batch[batch.length - 1].seq;
          this.sendReplayChunk(client, batch.filter(client.filter.matches), from, cursor);
        }
        if (batch.length === REPLAY_CHUNK) {
          // Let live traffic and other clients run between chunks; pace by the client's buffer.
          await this.waitForRoom(client);
          continue;
        }
        if (client.pending === null) {
          client.pending = [];
          continue; // live events overflowed while replaying: the store has them, read on
        }
        const live = client.pending.filter((e) => e.seq > cursor);
        client.pending = [];
        client.watermark = cursor;
        if (live.length) {
          // Live events may have overtaken repeats storm control still holds: resume below those.
          this.sendReplayChunk(client, live, cursor, Math.min(live[live.length - 1].seq, this.safeResumeSeq()));
          client.watermark = live[live.length - 1].seq;
        }
        client.state = 'live';
        client.sendControl(Frame.control({ type: 'replay_done', seq: client.watermark }), this.o.clock.now());
        return;
      }
    } catch (err) {
      this.o.logger.error('replay failed', { err, client: client.id });
      client.close(1011, 'replay failed; reconnect with since');
    }
  }

  /**
   * Sends a chunk covering seqs (from, to]. Each frame's resume id is `from` until the chunk's last
   * frame, which carries `to`: a client cut off between the frames resumes without a gap.
   */
  private sendReplayChunk(client: StreamClient, events: StoredEvent[], from: number, to: number): void {
    if (events.length === 0) return;
    // One frame per tier keeps "within a tier, seq only grows"; replay is not rate limited or dropped.
    const byTier = new Map<Tier, StoredEvent[]>();
    for (const e of events) {
      let l = byTier.get(e.tier);
      if (!l) byTier.set(e.tier, (l = []));
      l.push(e);
    }
    const now = this.o.clock.now();
    let left = byTier.size;
    for (const [tier, list] of byTier) {
      client.sendReplay(Frame.events(tier, list, --left === 0 ? to : from), now);
    }
  }

  private async waitForRoom(client: StreamClient): Promise<void> {
    for (let i = 0; i < 200 && !client.closed && client.sink.buffered() > this.o.limits.bufferBytes / 2; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    await new Promise((r) => setImmediate(r));
  }

  /** Takes a committed batch from the log. */
  publish(events: readonly StoredEvent[]): void {
    if (this.closing) return;
    const coalescer = this.o.coalescer;
    const now = coalescer ? this.o.clock.now() : 0;
    for (const e of events) {
      if (coalescer && !coalescer.admit(e, now)) continue;
      this.route(e);
    }
  }

  /** Critical events go out at once; the others join their tier's batch. */
  private route(e: StoredEvent): void {
    if (this.closing) return;
    if (e.tier === 'critical') {
      this.broadcast('critical', [e]);
      const latency = Math.max(0, this.o.clock.now() - e.received_at) / 1000;
      this.o.metrics.criticalLatencySeconds.observe(latency);
      this.o.metrics.deliveryLatencySeconds.observe({ tier: 'critical' }, latency);
      return;
    }
    const tier = e.tier;
    const list = this.pending[tier];
    list.push(e);
    if (list.length >= this.o.batch[tier].maxEvents) this.flush(tier);
    else if (list.length === 1) {
      this.timers[tier] = setTimeout(() => this.flush(tier), this.o.batch[tier].intervalMs);
    }
  }

  /**
   * A storm summary goes out alone at the end of its window (src/storm/README.md): the tier's batch is
   * flushed first so the summary never waits in it, and it is not counted as critical latency.
   */
  private routeSummary(e: StoredEvent): void {
    if (this.closing) return;
    if (e.tier !== 'critical') this.flush(e.tier);
    this.broadcast(e.tier, [e]);
  }

  flush(tier: BatchedTier): void {
    clearTimeout(this.timers[tier]);
    this.timers[tier] = undefined;
    const events = this.pending[tier];
    if (events.length === 0) return;
    this.pending[tier] = [];
    this.o.metrics.deliveryLatencySeconds.observe({ tier }, Math.max(0, this.o.clock.now() - events[0].received_at) / 1000);
    this.broadcast(tier, events);
  }

  private broadcast(tier: Tier, events: StoredEvent[]): void {
    if (this.groups.size === 0) return;
    const now = this.o.clock.now();
    const resume = this.safeResumeSeq();
    const publish = this.o.publish;
    // Groups that take every event of the tier (no filter, or tiers only) share one frame.
    let whole: Frame | undefined;
    for (const g of this.groups.values()) {
      if (!g.filter.wantsTier(tier)) continue;
      let frame: Frame;
      if (g.filter.tierOnly) {
        frame = whole ??= Frame.events(tier, events, Math.min(resume, events[events.length - 1].seq));
      } else {
        const selected = events.length === 1 ? (g.filter.matches(events[0]) ? events : []) : events.filter(g.filter.matches);
        if (selected.length === 0) continue;
        frame = selected.length === events.length && whole ? whole : Frame.events(tier, selected, Math.min(resume, selected[selected.length - 1].seq));
      }
      if (!publish) {
        for (const c of g.clients) c.deliver(frame, now);
        continue;
      }
      // Encode once, write natively once: the topic holds exactly the clients that passed their limits.
      let shared = 0;
      for (const c of g.clients) {
        if (!c.canShare) {
          c.deliver(frame, now);
          continue;
        }
        const viaTopic = c.deliver(frame, now, true);
        c.setTopic(viaTopic ? g.topic : undefined);
        if (viaTopic) shared++;
      }
      if (shared) {
        publish(g.topic, frame.text);
        this.o.metrics.framesOut[tier] += shared;
        this.o.metrics.eventsDelivered[tier] += shared * frame.count;
      }
    }
  }

  /** Sends a dashboard frame to clients that asked for it and may see the project. */
  publishDashboard(name: string, project: string, dataJson: string): void {
    let frame: Frame | undefined;
    const now = this.o.clock.now();
    for (const c of this.clients) {
      const f = c.filter.filter;
      if (!f.dashboards?.includes(name)) continue;
      if (f.projects && !f.projects.includes(project)) continue;
      frame ??= new Frame(`{"type":"dashboard","name":${JSON.stringify(name)},"project":${JSON.stringify(project)},"data":${dataJson}}`, 0, undefined, 0, 0, undefined);
      c.sendControl(frame, now);
    }
  }

  /** Which (dashboard, project) pairs some client is watching, so state only renders those. */
  watchedDashboards(): { name: string; projects: string[] | undefined }[] {
    const out: { name: string; projects: string[] | undefined }[] = [];
    for (const c of this.clients) for (const name of c.filter.filter.dashboards ?? []) out.push({ name, projects: c.filter.filter.projects });
    return out;
  }

  private beat(): void {
    const now = this.o.clock.now();
    let frame: Frame | undefined;
    for (const c of this.clients) {
      if (now - c.lastSentAt < this.o.heartbeatMs) continue;
      frame ??= Frame.control({ type: 'heartbeat', seq: this.safeResumeSeq() });
      c.sendControl(frame, now);
    }
  }

  /** Graceful stop: flush the batchers, then close every client with 1001. */
  async close(): Promise<void> {
    this.flush('operational');
    this.flush('analytical');
    this.closing = true;
    this.o.coalescer?.stop();
    this.unsubscribe?.();
    clearInterval(this.heartbeat);
    for (const c of this.clients) c.close(CLOSE_GOING_AWAY, 'server shutting down; reconnect with since');
    this.clients.clear();
    this.groups.clear();
  }
}
