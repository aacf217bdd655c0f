/**
 * The feed's memory: the newest `cap` events in seq order (the log's order: batching lets a critical
 * event arrive before earlier operational ones, and a resume replays a few; both land where they
 * belong), deduplicated by seq, plus the filtered view the list shows. Arrivals are near the end,
 * so inserting stays O(batch); trimming happens in chunks.
 */
import type { WireEvent } from './types.js';

export type Predicate = (e: WireEvent) => boolean;

interface Entry {
  /** Sort key: seq, with a storm summary right after the event whose seq it carries. */
  key: number;
  e: WireEvent;
}

const keyOf = (e: WireEvent): number => (typeof e.seq === 'number' ? e.seq * 2 + (e.repeat_count !== undefined ? 1 : 0) : Number.MAX_SAFE_INTEGER);

/** Inserts keeping `list` sorted by key; searches from the end, where arrivals land. */
function insert(list: Entry[], x: Entry): void {
  let i = list.length;
  if (i === 0 || list[i - 1].key <= x.key) {
    list.push(x);
    return;
  }
  let lo = 0;
  let hi = i;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid].key <= x.key) lo = mid + 1;
    else hi = mid;
  }
  i = lo;
  list.splice(i, 0, x);
}

export class FeedStore {
  private all: Entry[] = [];
  /** Entries passing the filter, in the same order; a subsequence of `all`. */
  private view: Entry[] = [];
  private seqs = new Set<number>();
  private predicate: Predicate = () => true;
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

  /** Where a visible event is now (0 = newest), or -1 when it is gone or filtered out. */
  positionOf(e: WireEvent): number {
    const key = keyOf(e);
    let lo = 0;
    let hi = this.view.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.view[mid].key < key) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.view.length && this.view[i].key === key; i++) if (this.view[i].e === e) return this.view.length - 1 - i;
    return -1;
  }

  /** Adds a batch; returns how many of them joined the visible view. */
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
      const entry = { key: keyOf(e), e };
      insert(this.all, entry);
      if (this.predicate(e)) {
        insert(this.view, entry);
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
    const firstKept = this.all.length ? this.all[0].key : Infinity;
    let cut = 0;
    while (cut < this.view.length && this.view[cut].key < firstKept) cut++;
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
