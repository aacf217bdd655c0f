/**
 * The cluster-mode event log: a JetStream stream shared by every node. `append` publishes each event
 * (Nats-Msg-Id = project:id, so a repeat on any node is a duplicate) and resolves once JetStream has
 * acked them all; the stream sequence is the seq. Every node follows the stream and calls its
 * listeners in seq order, so its clients and dashboards see events posted to any node.
 */
import type { JetStreamClient, JetStreamManager } from 'nats';
import type { Clock } from '../core/clock.js';
import type { EventDraft, StoredEvent, Tier } from '../core/event.js';
import type { Logger } from '../core/log.js';
import type { AppendListener, AppendResult, ReadOptions } from '../store/event-log.js';
import { AckPublisher, PublishRefused, type OutMessage } from './ack-publisher.js';
import type { CoordinatedLog } from './archive-coordinator.js';
import { encodeEvent } from './event-codec.js';
import { eventSubject, messageId } from './names.js';
import type { ClusterConnection } from './nats-connection.js';
import { RetentionPurger } from './retention-purger.js';
import { SegmentQueue } from './segment-queue.js';
import { RecentEvents } from './recent-events.js';
import { readFilter, readStream } from './stream-reader.js';
import { isNotFound } from './stream-setup.js';
import { StreamTail } from './stream-tail.js';

export interface JetStreamLogDeps {
  conn: ClusterConnection;
  jsm: JetStreamManager;
  js: JetStreamClient;
  stream: string;
  /** Stream's last seq when the node started: listeners get what comes after. */
  startAfter: number;
  retention: Record<Tier, number>;
  /** Whether this node archives (it then sets up the segment stream other nodes look for). */
  archive: boolean;
  clock: Clock;
  logger: Logger;
}

/** How long append waits for this node's own consumer to deliver what it just wrote (read-your-writes). */
const OWN_DELIVERY_WAIT_MS = 2000;

export class JetStreamEventLog implements CoordinatedLog {
  readonly archiveCoordinator: SegmentQueue;
  readonly tail: StreamTail;
  readonly purger: RetentionPurger;
  readonly recent = new RecentEvents();
  private readonly publisher: AckPublisher;
  private readonly listeners = new Set<AppendListener>();
  private readonly deliveryWaiters: { seq: number; resolve: () => void }[] = [];
  private readonly abort = new AbortController();
  private publishError: Error | undefined;
  private streamMissing = false;
  private poll: ReturnType<typeof setInterval> | undefined;
  private stalledAt = -1;
  private lastPolledDelivered = -1;
  /** Highest seq known to exist in the stream (acks, polls, deliveries). */
  streamLastSeq: number;

  constructor(private readonly d: JetStreamLogDeps) {
    this.streamLastSeq = d.startAfter;
    this.publisher = new AckPublisher(d.conn.nc);
    this.tail = new StreamTail({ jsm: d.jsm, js: d.js, stream: d.stream, filter: `${d.stream}.events.>`, startAfter: d.startAfter, deliver: (e) => this.deliver(e), logger: d.logger });
    this.archiveCoordinator = new SegmentQueue({ jsm: d.jsm, js: d.js, publisher: this.publisher, stream: d.stream, clock: d.clock, logger: d.logger, connected: () => d.conn.connected });
    this.purger = new RetentionPurger({
      jsm: d.jsm,
      nc: d.conn.nc,
      stream: d.stream,
      retention: d.retention,
      // Any node of the cluster may archive: wait for the archive when its segment stream exists.
      floor: () => {
        const archiving = this.archiveCoordinator.archiving;
        return archiving === false ? Infinity : archiving ? this.archiveCoordinator.archivedThrough() : 0;
      },
      clock: d.clock,
      logger: d.logger,
      onPurged: (keptFrom) => this.recent.dropBefore(keptFrom),
    });
    d.conn.onDisconnect(() => this.publisher.failAll('lost the connection to NATS'));
    d.conn.onReconnect(() => void this.tail.restart('reconnected to NATS').catch(() => {}));
  }

  /** Starts following the stream and the background upkeep (health poll, retention, archive watermark). */
  async start(): Promise<void> {
    await this.tail.start();
    this.poll = setInterval(() => void this.check(), 2000);
    this.poll.unref?.();
    this.archiveCoordinator.watch();
    void this.purger.run(this.abort.signal);
  }

  async append(drafts: EventDraft[]): Promise<AppendResult> {
    if (!this.d.conn.connected) throw new Error('no connection to NATS (cluster mode)');
    const msgs: OutMessage[] = new Array(drafts.length);
    for (let i = 0; i < drafts.length; i++) {
      const d = drafts[i];
      msgs[i] = { subject: eventSubject(this.d.stream, d.project, d.tier), msgId: messageId(d.project, d.id), body: encodeEvent(d) };
    }
    let outcomes;
    try {
      outcomes = await this.publisher.publishAll(msgs);
    } catch (err) {
      if (err instanceof PublishRefused) this.publishError = err;
      throw err;
    }
    this.publishError = undefined;
    const stored: StoredEvent[] = [];
    const duplicates: number[] = [];
    let maxSeq = 0;
    for (let i = 0; i < outcomes.length; i++) {
      const o = outcomes[i];
      if (o.duplicate) {
        duplicates.push(i);
        continue;
      }
      const e = drafts[i] as StoredEvent;
      e.seq = o.seq;
      stored.push(e);
      if (o.seq > maxSeq) maxSeq = o.seq;
    }
    stored.sort((a, b) => a.seq - b.seq);
    if (maxSeq > this.streamLastSeq) this.streamLastSeq = maxSeq;
    await this.ownDelivery(maxSeq);
    return { stored, duplicates };
  }

  /** Resolves once this node's listeners have seen `seq` (bounded: the events are durable already). */
  private ownDelivery(seq: number): Promise<void> {
    if (seq <= this.tail.delivered) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(done, OWN_DELIVERY_WAIT_MS);
      const w = { seq, resolve: done };
      this.deliveryWaiters.push(w);
      function done() {
        clearTimeout(t);
        resolve();
      }
    });
  }

  private deliver(events: StoredEvent[]): void {
    const last = events[events.length - 1].seq;
    if (last > this.streamLastSeq) this.streamLastSeq = last;
    this.recent.add(events);
    for (const l of this.listeners) {
      try {
        l(events);
      } catch (err) {
        this.d.logger.error('an event listener failed', { err });
      }
    }
    if (this.deliveryWaiters.length) {
      const delivered = this.tail.delivered;
      for (let i = this.deliveryWaiters.length - 1; i >= 0; i--) {
        if (this.deliveryWaiters[i].seq <= delivered) this.deliveryWaiters.splice(i, 1)[0].resolve();
      }
    }
  }

  /**
   * Reads from the stream, then tops up from memory with what this node delivered meanwhile, in the
   * same turn as the return: the result reaches the stream's end as it was when the read began and
   * everything this node's listeners already got, so the hub's replay-to-live switch never skips a
   * batch still waiting in the hub. Fewer than `limit` events means nothing more matched.
   */
  async read(afterSeq: number, limit: number, opts: ReadOptions = {}): Promise<StoredEvent[]> {
    if (limit <= 0 || opts.projects?.length === 0 || opts.tiers?.length === 0) return [];
    const keep = readFilter(opts);
    const out: StoredEvent[] = [];
    let from = afterSeq;
    for (;;) {
      if (!this.d.conn.connected) throw new Error('no connection to NATS (cluster mode)');
      const deps = { jsm: this.d.jsm, nc: this.d.conn.nc, stream: this.d.stream, streamEnd: () => this.streamLastSeq };
      const r = await readStream(deps, from, limit - out.length, opts);
      for (const e of r.events) out.push(e);
      if (out.length >= limit) return out;
      from = Math.max(from, r.scannedThrough);
      // Synchronous from here to the return: no delivery can slip in between.
      if (this.recent.covers(from, this.tail.delivered)) {
        for (const e of this.recent.after(from, limit - out.length, keep)) out.push(e);
        return out;
      }
    }
  }

  lastSeq(): number {
    return this.tail.delivered;
  }

  onAppend(listener: AppendListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  writable(): boolean {
    return this.d.conn.connected && !this.streamMissing && this.publishError === undefined;
  }

  /** Why the log is not writable (for logs and readiness), or undefined. */
  problem(): string | undefined {
    if (!this.d.conn.connected) return 'no connection to NATS';
    if (this.streamMissing) return `JetStream stream ${this.d.stream} not found`;
    return this.publishError?.message;
  }

  /** Events in the stream this node has not handed to its listeners yet. */
  lag(): number {
    return Math.max(0, this.streamLastSeq - this.tail.delivered);
  }

  get connection(): ClusterConnection {
    return this.d.conn;
  }

  get inFlight(): number {
    return this.publisher.inFlight;
  }

  /** Every 2 s: is the stream there, how far does it go, and is our consumer keeping up? */
  private async check(): Promise<void> {
    if (!this.d.conn.connected) return;
    let last: number;
    try {
      const { state } = await this.d.jsm.streams.info(this.d.stream);
      last = state.last_seq;
      // Another node may have purged the head: stop answering reads with it from memory.
      if (state.first_seq > 1) this.recent.dropBefore(state.first_seq);
    } catch (err) {
      if (isNotFound(err) && !this.streamMissing) this.d.logger.error(`JetStream stream ${this.d.stream} is gone; ingest answers 503 until it is restored`);
      if (isNotFound(err)) this.streamMissing = true;
      return;
    }
    this.streamMissing = false;
    this.publishError = undefined;
    if (last > this.streamLastSeq) this.streamLastSeq = last;
    // The consumer is behind and made no progress since the last poll: replace it (once per stall).
    const behind = last > this.tail.delivered;
    if (behind && this.tail.delivered === this.lastPolledDelivered && this.stalledAt !== last) {
      this.stalledAt = last;
      await this.tail.restart('consumer made no progress').catch(() => {});
    }
    this.lastPolledDelivered = this.tail.delivered;
  }

  async close(): Promise<void> {
    this.abort.abort();
    clearInterval(this.poll);
    this.archiveCoordinator.stop();
    this.tail.stop();
    this.listeners.clear();
    for (const w of this.deliveryWaiters.splice(0)) w.resolve();
    this.publisher.close();
    await this.d.conn.close();
  }
}
