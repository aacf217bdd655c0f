/**
 * One subscriber (WebSocket or SSE) and its delivery policy: a frame and byte rate limit, a bounded
 * outbound buffer, analytical events dropped first then operational (reported in `lagged` frames),
 * and critical events never dropped: a client that cannot take them is closed with 4008.
 */
import type { StoredEvent, Tier } from '../core/event.js';
import type { SocketSink } from '../runtime/types.js';
import type { Metrics } from '../telemetry/metrics.js';
import type { CompiledFilter } from './filter.js';
import { Frame } from './frame.js';
import { TokenBucket } from './token-bucket.js';

export const CLOSE_SLOW_CONSUMER = 4008;
export const CLOSE_GOING_AWAY = 1001;
export const CLOSE_POLICY = 1008;

export interface ClientLimits {
  framesPerSecond: number;
  bytesPerSecond: number;
  bufferBytes: number;
  /** Live events held for a client while its replay runs; past this it re-reads the store instead. */
  maxPendingEvents: number;
}

export type Transport = 'ws' | 'sse';

let nextId = 1;

/** Largest WebSocket frame header (server frames are not masked). */
const WS_HEADER_MAX = 10;
/** A UTF-16 code unit is at most 3 bytes of UTF-8: a bound of a text frame's bytes on the wire. */
const wsBound = (length: number) => length * 3 + WS_HEADER_MAX;
/** The socket's real buffered amount is read at least this often (runtime pings are not counted). */
const READ_BUFFERED_EVERY = 32;

export class StreamClient {
  readonly id = nextId++;
  state: 'replaying' | 'live' | 'closed' = 'live';
  /** Events with seq ≤ watermark were already delivered by a replay. */
  watermark = 0;
  /** Bumped by each replay: a replay that finds a newer one started (a later `since`) stops at once. */
  replayRun = 0;
  /** Live events that arrived while the replay ran (null once they overflowed). */
  pending: StoredEvent[] | null = [];
  lastSentAt: number;
  /** Set by the hub: forget this client as soon as it is closed, not when the peer confirms. */
  onClosed: (() => void) | undefined;
  private readonly frames: TokenBucket;
  private readonly bytes: TokenBucket;
  private readonly dropped: Record<Tier, number> = { critical: 0, operational: 0, analytical: 0 };
  private droppedTotal = 0;
  /** Whether frames can reach this client through a shared publish (WebSocket on a runtime with topics). */
  readonly canShare: boolean;
  /**
   * An upper bound of `sink.buffered()`: its last reading plus a bound of every byte queued since
   * (the buffer only grows by what is sent). While a frame fits under it, asking the socket (a
   * native call per client per frame) cannot change the decision, so it is skipped.
   */
  private bufferedBound = Infinity;
  private admitsSinceReading = 0;

  constructor(
    readonly transport: Transport,
    readonly sink: SocketSink,
    public filter: CompiledFilter,
    private readonly limits: ClientLimits,
    private readonly metrics: Metrics,
    now: number,
  ) {
    this.frames = new TokenBucket(limits.framesPerSecond, limits.framesPerSecond, now);
    this.bytes = new TokenBucket(limits.bytesPerSecond, limits.bytesPerSecond, now);
    this.lastSentAt = now;
    this.canShare = transport === 'ws' && sink.subscribe !== undefined;
  }

  get closed(): boolean {
    return this.state === 'closed';
  }

  private bytesOf(frame: Frame): string | Uint8Array {
    if (this.transport === 'sse') return frame.sse();
    return this.sink.textMode === 'string' ? frame.text : frame.ws();
  }

  /** Sends a control frame (pong, replay_done, dashboard…), exempt from event rate limits. */
  sendControl(frame: Frame, now: number): void {
    if (this.state === 'closed') return;
    if (this.readBuffered() > this.limits.bufferBytes) return;
    this.sendRaw(this.bytesOf(frame));
    this.lastSentAt = now;
  }

  /** Sends a replay frame: never dropped; the replay paces itself on the client's buffer instead. */
  sendReplay(frame: Frame, now: number): void {
    if (this.state === 'closed') return;
    if (!this.sendRaw(this.bytesOf(frame))) {
      this.closeSlow(frame.minSeq - 1);
      return;
    }
    this.lastSentAt = now;
  }

  /**
   * Delivers a live events frame. Returns true when the client may take the group's shared bytes
   * (the caller publishes them once for every such client and counts them in the metrics); false
   * when the client dealt with the frame itself: held it during a replay, skipped it, dropped it,
   * closed, or sent its own copy.
   */
  deliver(frame: Frame, now: number, shared = false): boolean {
    if (this.state === 'closed') return false;
    if (this.state === 'replaying') {
      if (this.pending) {
        if (this.pending.length + frame.count > this.limits.maxPendingEvents) this.pending = null;
        else for (const e of frame.events!) this.pending.push(e);
      }
      return false;
    }
    if (frame.maxSeq <= this.watermark) return false;
    if (frame.minSeq <= this.watermark) {
      // Only right after a replay: part of this batch was already replayed, send the rest.
      frame = Frame.events(frame.tier!, frame.events!.filter((e) => e.seq > this.watermark), frame.resumeSeq);
      shared = false;
    }
    if (!this.admit(frame, now)) return false;
    if (shared) {
      this.lastSentAt = now;
      return true;
    }
    this.write(frame, now);
    return false;
  }

  /** Sends an events frame under the client's limits. */
  sendEvents(frame: Frame, now: number): void {
    if (this.admit(frame, now)) this.write(frame, now);
  }

  /**
   * The delivery policy: critical frames always pass unless the buffer is full (then 4008);
   * analytical frames drop first (half the buffer), operational next (three quarters), and both
   * obey the frame and byte rate limits. Unreported drops are announced before the next frame.
   */
  private admit(frame: Frame, now: number): boolean {
    const tier = frame.tier!;
    const size = this.transport === 'sse' ? frame.sse().byteLength : frame.text.length;
    const limit = tier === 'critical' ? this.limits.bufferBytes : this.limits.bufferBytes * (tier === 'analytical' ? 0.5 : 0.75);
    const buffered = this.bufferedBound + size <= limit && ++this.admitsSinceReading < READ_BUFFERED_EVERY ? this.bufferedBound : this.readBuffered();
    if (tier === 'critical') {
      if (buffered + size > limit) {
        this.closeSlow(frame.minSeq - 1);
        return false;
      }
      this.frames.force(1, now);
      this.bytes.force(size, now);
    } else {
      if (buffered + size > limit) {
        this.drop(tier, frame.count, 'slow_consumer');
        return false;
      }
      if (!this.frames.take(1, now) || !this.bytes.take(size, now)) {
        this.drop(tier, frame.count, 'rate_limit');
        return false;
      }
    }
    if (this.droppedTotal > 0) this.reportLag();
    this.bufferedBound += this.transport === 'sse' ? size : wsBound(size);
    return true;
  }

  private readBuffered(): number {
    this.admitsSinceReading = 0;
    return (this.bufferedBound = this.sink.buffered());
  }

  /** Every send outside admit() (control, replay, lag frames) raises the bound too. */
  private sendRaw(data: string | Uint8Array): boolean {
    this.bufferedBound += typeof data === 'string' ? wsBound(data.length) : data.byteLength + WS_HEADER_MAX;
    return this.sink.send(data);
  }

  private write(frame: Frame, now: number): void {
    if (!this.sink.send(this.bytesOf(frame))) {
      if (frame.tier === 'critical') this.closeSlow(frame.minSeq - 1);
      else this.drop(frame.tier!, frame.count, 'slow_consumer');
      return;
    }
    this.sent(frame, now);
  }

  private sent(frame: Frame, now: number): void {
    this.lastSentAt = now;
    this.metrics.framesOut[frame.tier!]++;
    this.metrics.eventsDelivered[frame.tier!] += frame.count;
  }

  /** The shared topic this client is subscribed to (runtimes with native publish), if any. */
  private topic: string | undefined;

  /** Joins or leaves a shared topic so the next publish reaches exactly the clients that passed. */
  setTopic(topic: string | undefined): void {
    if (topic === this.topic) return;
    if (this.topic !== undefined) this.sink.unsubscribe?.(this.topic);
    if (topic !== undefined) this.sink.subscribe?.(topic);
    this.topic = topic;
  }

  private drop(tier: Tier, n: number, reason: 'rate_limit' | 'slow_consumer'): void {
    this.dropped[tier] += n;
    this.droppedTotal += n;
    this.metrics.dropped[reason][tier] += n;
  }

  private reportLag(): void {
    const tiers: Partial<Record<Tier, number>> = {};
    for (const t of ['critical', 'operational', 'analytical'] as const) if (this.dropped[t]) tiers[t] = this.dropped[t];
    const f = Frame.control({ type: 'lagged', dropped: this.droppedTotal, tiers });
    this.sendRaw(this.bytesOf(f));
    this.dropped.operational = this.dropped.analytical = this.dropped.critical = 0;
    this.droppedTotal = 0;
  }

  closeSlow(resumeSeq: number): void {
    if (this.state === 'closed') return;
    this.metrics.disconnects.inc({ reason: 'slow_consumer' });
    this.close(CLOSE_SLOW_CONSUMER, `slow consumer: critical events could not be delivered; reconnect with since=${Math.max(0, resumeSeq)}`);
  }

  close(code: number, reason: string): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.pending = null;
    this.setTopic(undefined);
    this.onClosed?.();
    try {
      // Drops are reported with the next frame; a closing client gets no next frame, so say it now.
      if (this.droppedTotal > 0) this.reportLag();
      this.sink.close(code, reason.slice(0, 120));
    } catch {
      // already gone
    }
  }
}
