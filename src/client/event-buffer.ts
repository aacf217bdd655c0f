/**
 * The client's bounded buffer. When it is full (events or bytes) something must go, and it is
 * the least important: the oldest analytical event, then the oldest operational one; an incoming
 * event of a lower tier than everything buffered is dropped itself. Critical events only ever
 * make room for newer critical events. Every drop is counted by tier.
 */
import { TIER_RANK } from './tier.js';
import type { Tier } from './types.js';

export interface Entry {
  /** Emit order, used to keep batches in the order events were emitted. */
  seq: number;
  tier: Tier;
  id: string;
  /** The event serialized once at emit time (one NDJSON line). */
  line: string;
  bytes: number;
}

class Fifo {
  private items: Entry[] = [];
  private head = 0;
  get length(): number {
    return this.items.length - this.head;
  }
  peek(): Entry | undefined {
    return this.items[this.head];
  }
  push(e: Entry): void {
    this.items.push(e);
  }
  shift(): Entry | undefined {
    const e = this.items[this.head];
    if (e === undefined) return undefined;
    this.items[this.head++] = undefined as unknown as Entry;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return e;
  }
  unshiftAll(list: Entry[]): void {
    this.items = [...list, ...this.items.slice(this.head)];
    this.head = 0;
  }
}

const ORDER: Tier[] = ['analytical', 'operational', 'critical'];

export class EventBuffer {
  private readonly queues: Record<Tier, Fifo> = { critical: new Fifo(), operational: new Fifo(), analytical: new Fifo() };
  count = 0;
  bytes = 0;
  readonly dropped: Record<Tier, number> = { critical: 0, operational: 0, analytical: 0 };

  constructor(
    private readonly maxEvents: number,
    private readonly maxBytes: number,
    private readonly onDrop?: (e: Entry) => void,
  ) {}

  /** Adds an entry, evicting by the drop policy; false when the entry itself was dropped. */
  push(e: Entry): boolean {
    if (e.bytes > this.maxBytes) {
      this.drop(e);
      return false;
    }
    while (this.count + 1 > this.maxEvents || this.bytes + e.bytes > this.maxBytes) {
      const victimTier = ORDER.find((t) => this.queues[t].length > 0);
      if (victimTier === undefined || TIER_RANK[victimTier] < TIER_RANK[e.tier] || victimTier === e.tier) {
        if (victimTier === undefined) break;
        this.drop(this.remove(victimTier)!);
      } else {
        // Everything buffered outranks the newcomer.
        this.drop(e);
        return false;
      }
    }
    this.queues[e.tier].push(e);
    this.count++;
    this.bytes += e.bytes;
    return true;
  }

  /** Takes up to maxEvents / maxBytes entries in emit order (always at least one if any). */
  take(maxEvents: number, maxBytes: number): Entry[] {
    const out: Entry[] = [];
    let size = 0;
    while (out.length < maxEvents) {
      let best: Tier | undefined;
      for (const t of ORDER) {
        const head = this.queues[t].peek();
        if (head && (best === undefined || head.seq < this.queues[best].peek()!.seq)) best = t;
      }
      if (best === undefined) break;
      const next = this.queues[best].peek()!;
      if (out.length > 0 && size + next.bytes > maxBytes) break;
      out.push(this.remove(best)!);
      size += next.bytes;
    }
    return out;
  }

  /** Puts entries back at the front (a batch split after a 413), beyond the bound if need be. */
  putBack(entries: Entry[]): void {
    for (const t of ORDER) {
      const mine = entries.filter((e) => e.tier === t);
      if (mine.length) this.queues[t].unshiftAll(mine);
    }
    for (const e of entries) {
      this.count++;
      this.bytes += e.bytes;
    }
  }

  /** Lowest emit seq still buffered (Infinity when empty): flush() waits for it to pass a mark. */
  minSeq(): number {
    let min = Infinity;
    for (const t of ORDER) {
      const head = this.queues[t].peek();
      if (head && head.seq < min) min = head.seq;
    }
    return min;
  }

  private remove(t: Tier): Entry | undefined {
    const e = this.queues[t].shift();
    if (e) {
      this.count--;
      this.bytes -= e.bytes;
    }
    return e;
  }

  private drop(e: Entry): void {
    this.dropped[e.tier]++;
    this.onDrop?.(e);
  }
}
