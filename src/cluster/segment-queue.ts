/**
 * The cluster's archive coordinator on JetStream. The plan is a stream of segments ({from, to} seq
 * ranges, contiguous and in order); a durable consumer with explicit acks hands each segment to one
 * node, and gives it to another if that node dies (ack wait) — so the work spreads over the nodes.
 *
 * Cutting: any node may cut the next segment; the publish carries `Nats-Expected-Last-Sequence`, so
 * of two nodes cutting at once exactly one succeeds (compare-and-set on the plan), and the ranges
 * never overlap or leave a gap. The archived watermark is the consumer's ack floor: every segment up
 * to it is done.
 */
import type { JetStreamClient, JetStreamManager, JsMsg, Consumer } from 'nats';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import { AckPublisher, PublishRefused } from './ack-publisher.js';
import type { ArchiveCoordinator, ArchiveSegment, SegmentClaim, SegmentPolicy } from './archive-coordinator.js';
import { archiveNames, type ArchiveNames } from './names.js';
import { isNotFound } from './stream-setup.js';

const WRONG_LAST_SEQUENCE = 10071;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export interface SegmentQueueOptions {
  jsm: JetStreamManager;
  js: JetStreamClient;
  publisher: AckPublisher;
  stream: string;
  clock: Clock;
  logger: Logger;
  connected: () => boolean;
}

interface LastSegment extends ArchiveSegment {
  seq: number;
  time: number;
}

export class SegmentQueue implements ArchiveCoordinator {
  private readonly names: ArchiveNames;
  private policy: SegmentPolicy | undefined;
  private consumer: Consumer | undefined;
  private through = 0;
  private pendingSegments = 0;
  private floorCache = { seq: 0, to: 0 };
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private stopped = false;
  /** Whether the cluster archives at all (its segment stream exists); undefined until known. */
  archiving: boolean | undefined;
  cuts = 0;
  cutConflicts = 0;

  constructor(private readonly o: SegmentQueueOptions) {
    this.names = archiveNames(o.stream);
  }

  start(policy: SegmentPolicy): void {
    if (this.policy) return;
    if (!(policy.flushMs > 0) || !(policy.maxEvents >= 1)) throw new Error('segment policy needs flushMs > 0 and maxEvents >= 1');
    this.policy = policy;
    const tick = Math.min(2000, Math.max(100, policy.flushMs / 4));
    this.loop(() => this.cutDue(), tick);
  }

  /** Keeps archivedThrough() fresh; runs on every node (retention needs it, also where this node does not archive). */
  watch(intervalMs = 3000): void {
    this.loop(() => this.refresh(), intervalMs);
  }

  async claim(waitMs: number): Promise<SegmentClaim | undefined> {
    if (!this.o.connected()) {
      await new Promise((r) => setTimeout(r, Math.min(waitMs, 1000)));
      return undefined;
    }
    this.consumer ??= await this.o.js.consumers.get(this.names.stream, this.names.consumer);
    const m = await this.consumer.next({ expires: Math.max(1000, waitMs) });
    return m ? toClaim(m) : undefined;
  }

  archivedThrough(): number {
    return this.through;
  }

  backlog(): number {
    return this.pendingSegments;
  }

  /** Reads the ack floor: every segment at or below it is done, so its `to` is archived. */
  async refresh(): Promise<void> {
    let ci;
    try {
      ci = await this.o.jsm.consumers.info(this.names.stream, this.names.consumer);
    } catch (err) {
      if (isNotFound(err)) this.archiving = false;
      throw err;
    }
    this.archiving = true;
    this.pendingSegments = ci.num_pending + ci.num_ack_pending;
    const floorSeq = ci.ack_floor.stream_seq;
    if (floorSeq === 0) return;
    if (floorSeq !== this.floorCache.seq) {
      const m = await this.o.jsm.streams.getMessage(this.names.stream, { seq: floorSeq });
      this.floorCache = { seq: floorSeq, to: parseSegment(m.data).to };
      // Done segments below the floor are no longer needed; the floor segment itself stays.
      if (floorSeq > 1000) await this.o.jsm.streams.purge(this.names.stream, { seq: floorSeq }).catch(() => {});
    }
    this.through = Math.max(this.through, this.floorCache.to);
  }

  /** Cuts the next segment when enough events wait or the oldest has waited flushMs. */
  async cutDue(): Promise<boolean> {
    const p = this.policy;
    if (!p || !this.o.connected()) return false;
    const last = await this.lastSegment();
    const from = last ? last.to + 1 : 1;
    const si = await this.o.jsm.streams.info(this.o.stream);
    const lastSeq = si.state.last_seq;
    if (lastSeq < from) return false;
    // The byte cap becomes a row cap from the stream's average message size (sizes vary; close enough).
    const avg = si.state.messages > 0 ? si.state.bytes / si.state.messages : 1;
    const maxRows = Math.max(1, Math.min(p.maxEvents, p.maxBytes ? Math.floor(p.maxBytes / avg) : Infinity));
    const waiting = lastSeq - from + 1;
    const since = last ? last.time : Date.parse(si.state.first_ts);
    if (waiting < maxRows && this.o.clock.now() - since < p.flushMs) return false;
    return this.cut({ from, to: Math.min(lastSeq, from + maxRows - 1) }, last?.seq ?? 0);
  }

  /** Appends a segment to the plan only if the plan still ends at `expectLast` (else someone cut first). */
  async cut(seg: ArchiveSegment, expectLast: number): Promise<boolean> {
    try {
      await this.o.publisher.publishAll([
        {
          subject: this.names.subject,
          msgId: `seg-${seg.from}`,
          body: encoder.encode(JSON.stringify(seg)),
          headers: { 'Nats-Expected-Last-Sequence': String(expectLast) },
        },
      ]);
      this.cuts++;
      return true;
    } catch (err) {
      if (err instanceof PublishRefused && err.errCode === WRONG_LAST_SEQUENCE) {
        this.cutConflicts++;
        return false;
      }
      throw err;
    }
  }

  private async lastSegment(): Promise<LastSegment | undefined> {
    try {
      const m = await this.o.jsm.streams.getMessage(this.names.stream, { last_by_subj: this.names.subject });
      return { ...parseSegment(m.data), seq: m.seq, time: m.time.getTime() };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /** Runs fn every intervalMs (with jitter, so nodes do not cut in lockstep) until stop(). */
  private loop(fn: () => Promise<unknown>, intervalMs: number): void {
    const run = async () => {
      if (this.stopped) return;
      let again = false;
      try {
        again = (await fn()) === true;
      } catch (err) {
        if (this.o.connected()) this.o.logger.debug('archive coordination step failed; will retry', { err });
      }
      if (this.stopped) return;
      const t = setTimeout(() => {
        this.timers.delete(t);
        void run();
      }, again ? 0 : intervalMs * (0.75 + Math.random() / 2));
      t.unref?.();
      this.timers.add(t);
    };
    void run();
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
  }
}

function parseSegment(data: Uint8Array): ArchiveSegment {
  const s = JSON.parse(decoder.decode(data)) as ArchiveSegment;
  if (!Number.isSafeInteger(s.from) || !Number.isSafeInteger(s.to) || s.to < s.from) throw new Error('malformed archive segment');
  return { from: s.from, to: s.to };
}

function toClaim(m: JsMsg): SegmentClaim {
  const seg = parseSegment(m.data);
  return {
    ...seg,
    attempt: m.info.deliveryCount - 1,
    progress: () => m.working(),
    done: async () => {
      // Wait for the server to confirm: an unconfirmed ack could be lost and the segment redone.
      if (!(await m.ackAck({ timeout: 5000 }))) throw new Error(`JetStream did not confirm segment ${seg.from}-${seg.to} as done`);
    },
    retry: (delayMs) => m.nak(delayMs),
  };
}
