/**
 * The events this node delivered most recently, in seq order. Reads of the recent past (the tail
 * end of every `since` replay) are answered from here synchronously, like the SQLite log: a read
 * then covers everything the node's listeners already have, which the hub's replay-to-live switch
 * relies on (a live batch still waiting in the hub is never newer than what the replay returned).
 */
import type { StoredEvent } from '../core/event.js';

export class RecentEvents {
  private buf: StoredEvent[] = [];
  private start = 0;

  constructor(readonly max = 20_000) {}

  add(events: readonly StoredEvent[]): void {
    for (const e of events) this.buf.push(e);
    const over = this.buf.length - this.start - this.max;
    if (over > 0) this.start += over;
    // Compact now and then rather than shifting on every add.
    if (this.start > this.max) {
      this.buf = this.buf.slice(this.start);
      this.start = 0;
    }
  }

  /** Forgets events below `seq` (purged from the stream: no read may return them any more). */
  dropBefore(seq: number): void {
    while (this.start < this.buf.length && this.buf[this.start].seq < seq) this.start++;
    this.floor = Math.max(this.floor, seq - 1);
  }

  get size(): number {
    return this.buf.length - this.start;
  }

  /** Whether every event delivered after `afterSeq` (up to `delivered`) is held here. */
  covers(afterSeq: number, delivered: number): boolean {
    if (afterSeq >= delivered) return true;
    const first = this.buf[this.start];
    return first !== undefined && first.seq <= afterSeq + 1 && afterSeq >= this.floor;
  }

  /** Reads starting below this go to the stream (after a purge the memory no longer starts at 1). */
  private floor = 0;

  /** Held events with seq > afterSeq, in order, at most `limit`, optionally filtered. */
  after(afterSeq: number, limit: number, keep?: (e: StoredEvent) => boolean): StoredEvent[] {
    let lo = this.start;
    let hi = this.buf.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.buf[mid].seq <= afterSeq) lo = mid + 1;
      else hi = mid;
    }
    const out: StoredEvent[] = [];
    for (let i = lo; i < this.buf.length && out.length < limit; i++) {
      const e = this.buf[i];
      if (!keep || keep(e)) out.push(e);
    }
    return out;
  }
}
