/**
 * Fingerprints seen once, with the end of their first window. Most events never repeat, so they get
 * no bookkeeping beyond one Map entry: two generations that rotate every window, so expiry costs
 * nothing per entry (a generation is dropped whole once every window in it has ended).
 */
export class RecentSet {
  private current = new Map<number, number>();
  private previous = new Map<number, number>();
  private rotateAt = 0;
  /** Entries dropped before their window ended because a generation hit the cap. */
  forgotten = 0;

  constructor(
    private readonly window: number,
    /** Entries per generation; past it the older generation is dropped early. */
    private readonly cap: number,
  ) {}

  get size(): number {
    return this.current.size + this.previous.size;
  }

  /** The end of the key's first window if it is still open at `now`. */
  openWindow(key: number, now: number): number | undefined {
    this.rotate(now);
    const end = this.current.get(key) ?? this.previous.get(key);
    return end !== undefined && now < end ? end : undefined;
  }

  add(key: number, end: number, now: number): void {
    this.rotate(now);
    if (this.current.size >= this.cap) {
      this.forgotten += this.previous.size;
      this.shift(now);
    }
    this.current.set(key, end);
  }

  clear(): void {
    this.current = new Map();
    this.previous = new Map();
  }

  /** Entries added before the last rotation all end by the next one: the older generation can go. */
  private rotate(now: number): void {
    if (now < this.rotateAt) return;
    if (now >= this.rotateAt + this.window) this.current = new Map(); // idle for a whole window: all ended
    this.shift(now);
  }

  private shift(now: number): void {
    this.previous = this.current;
    this.current = new Map();
    this.rotateAt = now + this.window;
  }
}
