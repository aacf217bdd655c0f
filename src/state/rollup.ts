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

/** One level of the key tree: key value → next level, or the row at the last level. */
type Level = Map<SqlValue, Level | Row>;

export class Rollup {
  /**
   * Rows by key value, one map level per key column. Looked up once or more per event, so the key
   * is walked column by column instead of joined into one string (joining allocates, copies and
   * hashes ~100 characters per lookup).
   */
  private readonly tree: Level = new Map();
  /** The same rows in insertion order, for flush. */
  private rows: Row[] = [];
  private readonly stmt: SqlStatement;
  private readonly depth: number;

  constructor(db: SqliteDatabase, table: string, keys: readonly string[], private readonly sums: readonly string[]) {
    this.stmt = db.prepare(upsertSql(table, keys, sums));
    this.depth = keys.length;
  }

  /**
   * The running sums (in sum-column order) of the row with these key values (as many as the table
   * has key columns), for the caller to add to.
   */
  row(a: SqlValue, b: SqlValue, c?: SqlValue, d?: SqlValue, e?: SqlValue): number[] {
    const n = this.depth;
    let level = this.next(this.tree, a);
    if (n > 2) level = this.next(level, b);
    if (n > 3) level = this.next(level, c!);
    if (n > 4) level = this.next(level, d!);
    const last = n === 2 ? b : n === 3 ? c! : n === 4 ? d! : e!;
    const r = level.get(last) as Row | undefined;
    if (r) return r.sums;
    const key = n === 5 ? [a, b, c!, d!, e!] : n === 4 ? [a, b, c!, d!] : n === 3 ? [a, b, c!] : [a, b];
    const created: Row = { key, sums: new Array<number>(this.sums.length).fill(0) };
    level.set(last, created);
    this.rows.push(created);
    return created.sums;
  }

  private next(level: Level, k: SqlValue): Level {
    let m = level.get(k) as Level | undefined;
    if (m === undefined) level.set(k, (m = new Map()));
    return m;
  }

  /** Adds deltas (in sum-column order) to the row with these key values. */
  add(key: SqlValue[], deltas: readonly number[]): void {
    const sums = this.row(key[0], key[1], key[2], key[3], key[4]);
    for (let i = 0; i < deltas.length; i++) sums[i] += deltas[i];
  }

  /** Adds to one sum column by name. */
  bump(key: SqlValue[], column: string, delta: number): void {
    this.row(key[0], key[1], key[2], key[3], key[4])[this.sums.indexOf(column)] += delta;
  }

  /** Writes every row; `each` sees each row's key values and sums as written. */
  flush(each?: (key: SqlValue[], sums: number[]) => void): void {
    for (const r of this.rows) {
      this.stmt.run(...r.key, ...r.sums);
      each?.(r.key, r.sums);
    }
    this.clear();
  }

  clear(): void {
    this.tree.clear();
    this.rows = [];
  }
}
