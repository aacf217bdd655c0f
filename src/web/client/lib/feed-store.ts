/**
 * The feed's memory: the newest `cap` events in arrival order, deduplicated by seq (a resumed stream
 * replays a little), plus the filtered view the list shows. Trimming happens in chunks so appending
 * stays O(batch) at 10,000 events per second.
 */
import type { WireEvent } from './types.js';

export type Predicate = (e: WireEvent) => boolean;

interface Entry {
  /** Arrival number: orders `all` and `view` alike. */
  n: number;
  e: WireEvent;
}

export class FeedStore {
  private all: Entry[] = [];
  /** Entries passing the filter, oldest first; a subsequence of `all`. */
  private view: Entry[] = [];
  private seqs = new Set<number>();
  private predicate: Predicate = () => true;
  private arrivals = 0;
  /** Events dropped as replayed duplicates. */
  duplicates = 0;

  constructor(readonly cap = 10_000) {}

  get size(): number {
    return this.all.length;
  }

  get visibleCount(): number {
    return this.view.length;
  }

  /** The i-th newest visible event (0 = newest). */
  newest(i: number): WireEvent | undefined {
    return this.view[this.view.length - 1 - i]?.e;
  }

  /** Appends a batch; returns how many of them joined the visible view. */
  add(events: readonly WireEvent[]): number {
    let shown = 0;
    for (const e of events) {
      // Storm summaries stand for many events: only plain events are deduplicated by seq.
      if (e.repeat_count === undefined && typeof e.seq === 'number') {
        if (this.seqs.has(e.seq)) {
          this.duplicates++;
          continue;
        }
        this.seqs.add(e.seq);
      }
      const entry = { n: this.arrivals++, e };
      this.all.push(entry);
      if (this.predicate(e)) {
        this.view.push(entry);
        shown++;
      }
    }
    this.trim();
    return shown;
  }

  /** Drops the oldest entries past the cap, a tenth of the cap at a time so splice cost is amortized. */
  private trim(): void {
    const excess = this.all.length - this.cap;
    if (excess < Math.max(1, Math.floor(this.cap / 10))) return;
    const gone = this.all.splice(0, excess);
    for (const g of gone) if (g.e.repeat_count === undefined) this.seqs.delete(g.e.seq);
    const firstKept = this.all.length ? this.all[0].n : Infinity;
    let cut = 0;
    while (cut < this.view.length && this.view[cut].n < firstKept) cut++;
    if (cut) this.view.splice(0, cut);
  }

  /** Replaces the filter and rebuilds the view from everything kept. */
  setFilter(p: Predicate): void {
    this.predicate = p;
    this.view = this.all.filter((x) => p(x.e));
  }

  /** Forgets everything (e.g. the server's store was replaced). */
  clear(): void {
    this.all = [];
    this.view = [];
    this.seqs.clear();
  }
}
