/**
 * Follows the event stream from a seq onwards and hands events to the node's listeners in seq order,
 * exactly once each. An ephemeral in-memory consumer (no acks) does the delivery; when it misbehaves
 * (delivery gap, lost after a NATS restart, stalled) the tail drops it and starts a new one right
 * after the last seq it delivered, so nothing is skipped or repeated.
 */
import { AckPolicy, DeliverPolicy, nanos, type ConsumerMessages, type JetStreamClient, type JetStreamManager, type JsMsg } from 'nats';
import type { StoredEvent } from '../core/event.js';
import type { Logger } from '../core/log.js';
import { decodeEvent } from './event-codec.js';

export interface TailOptions {
  jsm: JetStreamManager;
  js: JetStreamClient;
  stream: string;
  filter: string;
  /** Deliver events with seq > startAfter. */
  startAfter: number;
  deliver(events: StoredEvent[]): void;
  logger: Logger;
}

export class StreamTail {
  /** Highest seq handed to the listeners. */
  delivered: number;
  /** Messages the consumer still had to deliver when the last one arrived (0 = caught up). */
  pending = 0;
  restarts = 0;
  undecodable = 0;
  private queued: number;
  private buf: StoredEvent[] = [];
  private scheduled = false;
  private generation = 0;
  private expectedDelivery = 1;
  private msgs: ConsumerMessages | undefined;
  private consumerName: string | undefined;
  private opening: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly o: TailOptions) {
    this.delivered = this.queued = o.startAfter;
  }

  async start(): Promise<void> {
    await this.open();
  }

  /** Replaces the consumer with a fresh one starting after the last delivered seq. */
  restart(reason: string): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.opening) return this.opening;
    this.restarts++;
    this.o.logger.info('restarting the stream consumer', { reason, after: this.queued });
    this.opening = this.open().finally(() => (this.opening = undefined));
    return this.opening;
  }

  private async open(): Promise<void> {
    const gen = ++this.generation;
    this.dropConsumer();
    const ci = await this.o.jsm.consumers.add(this.o.stream, {
      ack_policy: AckPolicy.None,
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: this.queued + 1,
      filter_subject: this.o.filter,
      mem_storage: true,
      num_replicas: 1,
      // A node that dies leaves its consumer behind; the server removes it after this idle time.
      inactive_threshold: nanos(30_000),
    });
    if (gen !== this.generation || this.stopped) {
      void this.o.jsm.consumers.delete(this.o.stream, ci.name).catch(() => {});
      return;
    }
    this.consumerName = ci.name;
    this.expectedDelivery = 1;
    const consumer = await this.o.js.consumers.get(this.o.stream, ci.name);
    this.msgs = await consumer.consume({ max_messages: 2000, callback: (m) => gen === this.generation && this.onMessage(m) });
  }

  private onMessage(m: JsMsg): void {
    if (m.info.deliverySequence !== this.expectedDelivery) {
      // The server skipped or repeated a delivery: start over right after what we have.
      void this.restart(`delivery ${m.info.deliverySequence}, expected ${this.expectedDelivery}`).catch(() => {});
      return;
    }
    this.expectedDelivery++;
    this.pending = m.info.pending;
    if (m.seq <= this.queued) return;
    this.queued = m.seq;
    try {
      this.buf.push(decodeEvent(m.seq, m.data));
    } catch (err) {
      this.undecodable++;
      this.o.logger.warn('skipping a stream message that is not an Auren event', { seq: m.seq, subject: m.subject, err });
    }
    if (!this.scheduled) {
      this.scheduled = true;
      // Messages of one socket read arrive in one turn: hand them to the listeners as one batch, in
      // a turn of their own (a read resolving meanwhile finishes before listeners see more).
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.scheduled = false;
    const events = this.buf;
    this.buf = [];
    // Everything up to `queued` is handled (undecodable messages are skipped, not waited for).
    this.delivered = this.queued;
    if (events.length > 0) this.o.deliver(events);
  }

  private dropConsumer(): void {
    this.msgs?.stop();
    this.msgs = undefined;
    const name = this.consumerName;
    this.consumerName = undefined;
    if (name) void this.o.jsm.consumers.delete(this.o.stream, name).catch(() => {});
  }

  stop(): void {
    this.stopped = true;
    this.generation++;
    this.dropConsumer();
  }
}
