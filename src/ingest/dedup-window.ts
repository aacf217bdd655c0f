/**
 * Remembers accepted event ids for a time window, in bounded memory. Ids are evicted oldest first
 * when they leave the window or when the cap is reached (then the effective window is shorter, and
 * `evictedEarly` counts it so operators can see it in metrics).
 */
export class DedupWindow {
  private readonly seen = new Map<string, number>();
  evictedEarly = 0;

  constructor(
    readonly windowMs: number,
    readonly maxEntries = 500_000,
  ) {}

  static key(project: string, id: string): string {
    return project + '\u0000' + id;
  }

  has(key: string, now: number): boolean {
    const at = this.seen.get(key);
    return at !== undefined && now - at < this.windowMs;
  }

  add(key: string, at: number): void {
    this.seen.set(key, at);
  }

  /** Drops ids that left the window, then the oldest ones above the cap. Call once per batch. */
  prune(now: number): void {
    const cutoff = now - this.windowMs;
    for (const [key, at] of this.seen) {
      if (at >= cutoff && this.seen.size <= this.maxEntries) break;
      if (at >= cutoff) this.evictedEarly++;
      this.seen.delete(key);
    }
  }

  get size(): number {
    return this.seen.size;
  }
}
