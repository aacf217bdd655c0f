/**
 * Sums deltas per key in memory for one batch, then writes each distinct key with one upsert
 * (`value = value + excluded.value`), so a batch of 10,000 events touching 50 keys costs 50 writes.
 */
import type { SqliteDatabase, SqlStatement, SqlValue } from '../runtime/types.js';

export function upsertSql(table: string, keys: readonly string[], sums: readonly string[]): string {
  const cols = [...keys, ...sums];
  return `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})
    ON CONFLICT (${keys.join(', ')}) DO UPDATE SET ${sums.map((c) => `${c} = ${table}.${c} + excluded.${c}`).join(', ')}`;
}

interface Row {
  key: SqlValue[];
  sums: number[];
}

export class Rollup {
  private readonly rows = new Map<string, Row>();
  private readonly stmt: SqlStatement;

  constructor(db: SqliteDatabase, table: string, keys: readonly string[], private readonly sums: readonly string[]) {
    this.stmt = db.prepare(upsertSql(table, keys, sums));
  }

  /**
   * The running sums (in sum-column order) of the row keyed `k` — the key columns joined by NUL —
   * for the caller to add to. The key values are only copied the first time (the hot path).
   */
  row(k: string, a: SqlValue, b: SqlValue, c?: SqlValue, d?: SqlValue, e?: SqlValue): number[] {
    const r = this.rows.get(k);
    if (r) return r.sums;
    const key = e !== undefined ? [a, b, c!, d!, e] : d !== undefined ? [a, b, c!, d] : c !== undefined ? [a, b, c] : [a, b];
    const sums = new Array<number>(this.sums.length).fill(0);
    this.rows.set(k, { key, sums });
    return sums;
  }

  /** Adds deltas (in sum-column order) to the row with these key values. */
  add(key: SqlValue[], deltas: readonly number[]): void {
    const r = this.rows.get(key.join('\u0000'));
    const sums = r ? r.sums : this.row(key.join('\u0000'), key[0], key[1], key[2], key[3], key[4]);
    for (let i = 0; i < deltas.length; i++) sums[i] += deltas[i];
  }

  /** Adds to one sum column by name. */
  bump(key: SqlValue[], column: string, delta: number): void {
    const k = key.join('\u0000');
    this.row(k, key[0], key[1], key[2], key[3], key[4])[this.sums.indexOf(column)] += delta;
  }

  /** Writes every row; `each` sees each row's key values and sums as written. */
  flush(each?: (key: SqlValue[], sums: number[]) => void): void {
    for (const r of this.rows.values()) {
      this.stmt.run(...r.key, ...r.sums);
      each?.(r.key, r.sums);
    }
    this.rows.clear();
  }

  clear(): void {
    this.rows.clear();
  }
}
