/**
 * Tracks a safe `since` for resuming the stream. Batching lets a critical event overtake earlier
 * operational/analytical ones, so the highest seq seen is not safe on its own. The server vouches for
 * safe points (events frames' `resume`, heartbeats, replay_done); for servers that do not, we also
 * take the highest seq seen at least SETTLE_MS before the last frame (every tier has flushed by then).
 * The higher wins, never below where the connection started. Replayed duplicates are dropped by seq.
 */

/** Longer than the slowest tier flush (analytical, 500 ms by default) plus delivery. */
export const SETTLE_MS = 1500;

export class ResumePoint {
  private floor: number | undefined;
  private maxSeq = 0;
  private vouched = 0;
  /** (time, highest seq seen by then), oldest first, at most one sample per 100 ms. */
  private samples: { t: number; seq: number }[] = [];
  private lastFrameAt = 0;

  /** Forgets everything: the next connection starts where the caller says. */
  reset(): void {
    this.floor = undefined;
    this.maxSeq = 0;
    this.vouched = 0;
    this.samples = [];
    this.lastFrameAt = 0;
  }

  /** A connection starts from `since` (undefined = live only, nothing to resume from yet). */
  connectedFrom(since: number | undefined): void {
    if (since !== undefined) this.floor = Math.max(this.floor ?? 0, since);
  }

  /** A frame carrying events up to `seq` arrived at time `now`. */
  sawEvents(seq: number, now: number): void {
    if (seq > this.maxSeq) this.maxSeq = seq;
    this.lastFrameAt = now;
    const last = this.samples[this.samples.length - 1];
    if (last && now - last.t < 100) last.seq = this.maxSeq;
    else this.samples.push({ t: now, seq: this.maxSeq });
    // One sample older than the settle window is all that can still matter.
    while (this.samples.length > 2 && this.samples[1].t <= now - SETTLE_MS) this.samples.shift();
  }

  /** The server said every event ≤ seq has been sent (heartbeat, replay_done). */
  vouch(seq: number, now: number): void {
    if (seq > this.vouched) this.vouched = seq;
    this.lastFrameAt = Math.max(this.lastFrameAt, now);
  }

  /** Where to resume from; undefined when there is no known point (connect live). */
  since(): number | undefined {
    let settled = 0;
    for (const s of this.samples) if (s.t <= this.lastFrameAt - SETTLE_MS) settled = s.seq;
    const v = Math.max(settled, this.vouched, this.floor ?? 0);
    return v > 0 || this.floor !== undefined ? v : undefined;
  }

  get highest(): number {
    return this.maxSeq;
  }
}
