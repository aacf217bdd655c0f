/**
 * A compact set of the soak's event ids (`<prefix>-<n>`), one bit per n: millions of ids without
 * millions of strings. Ids with another prefix (storm summaries, probes) are not tracked.
 */
export class IdSet {
  private bits = new Uint8Array(1 << 16);
  size = 0;

  constructor(private readonly prefix: string) {}

  private index(id: string): number | undefined {
    if (!id.startsWith(this.prefix)) return undefined;
    const n = Number(id.slice(this.prefix.length));
    return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
  }

  /** Adds the id; false when it was already there (or is not one of ours). */
  add(id: string): boolean {
    const n = this.index(id);
    if (n === undefined) return false;
    if (n >> 3 >= this.bits.length) {
      const grown = new Uint8Array(Math.max(this.bits.length * 2, (n >> 3) + 1));
      grown.set(this.bits);
      this.bits = grown;
    }
    const mask = 1 << (n & 7);
    if (this.bits[n >> 3] & mask) return false;
    this.bits[n >> 3] |= mask;
    this.size++;
    return true;
  }

  has(id: string): boolean {
    const n = this.index(id);
    return n !== undefined && n >> 3 < this.bits.length && (this.bits[n >> 3] & (1 << (n & 7))) !== 0;
  }
}
