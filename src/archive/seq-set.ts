/** Compact bookkeeping of many seqs (verify may see tens of millions): typed arrays, not Maps. */

export class GrowableSeqs {
  private seq = new Float64Array(1024);
  private key = new Uint32Array(1024);
  private n = 0;

  push(seq: number, keyIndex: number): void {
    if (this.n === this.seq.length) {
      const s = new Float64Array(this.n * 2);
      s.set(this.seq);
      this.seq = s;
      const k = new Uint32Array(this.n * 2);
      k.set(this.key);
      this.key = k;
    }
    this.seq[this.n] = seq;
    this.key[this.n++] = keyIndex;
  }

  seqs(): Float64Array {
    return this.seq.subarray(0, this.n);
  }

  /** Indexes of the objects holding seq (a linear scan: only used for the few duplicates). */
  keysOf(seq: number): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.n; i++) if (this.seq[i] === seq) out.push(this.key[i]);
    return out;
  }
}

/** Sorted distinct seqs, and the seqs that occur more than once. */
export function sortedUnique(seqs: Float64Array): { unique: Float64Array; repeated: number[] } {
  const sorted = Float64Array.from(seqs).sort();
  const repeated: number[] = [];
  let w = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (w > 0 && sorted[i] === sorted[w - 1]) {
      if (repeated.at(-1) !== sorted[i]) repeated.push(sorted[i]);
      continue;
    }
    sorted[w++] = sorted[i];
  }
  return { unique: sorted.subarray(0, w), repeated };
}

/** `[1,2,3,7,9,10]` → `1-3, 7, 9-10` (at most `max` ranges, then "…"). */
export function toRanges(sortedSeqs: readonly number[], max = 50): string {
  const parts: string[] = [];
  for (let i = 0; i < sortedSeqs.length && parts.length < max; ) {
    let j = i;
    while (j + 1 < sortedSeqs.length && sortedSeqs[j + 1] === sortedSeqs[j] + 1) j++;
    parts.push(i === j ? `${sortedSeqs[i]}` : `${sortedSeqs[i]}-${sortedSeqs[j]}`);
    i = j + 1;
  }
  const shown = parts.join(', ');
  return parts.length === max ? shown + ', …' : shown;
}
