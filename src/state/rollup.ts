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

export class Rollup {
  private readonly rows = new Map<string, { key: SqlValue[]; sums: number[] }>();
  private readonly stmt: SqlStatement;

  constructor(db: SqliteDatabase, table: string, keys: readonly string[], private readonly sums: readonly string[]) {
    this.stmt = db.prepare(upsertSql(table, keys, sums));
  }

  /** Adds deltas (in the order of the sum columns) to the row with this key. */
  add(key: SqlValue[], deltas: readonly number[]): void {
    const k = key.join('\u0000');
    const row = this.rows.get(k);
    if (!row) {
      this.rows.set(k, { key, sums: deltas.slice() });
      return;
    }
    for (let i = 0; i < deltas.length; i++) row.sums[i] += deltas[i];
  }

  /** Adds to one sum column by name. */
  bump(key: SqlValue[], column: string, delta: number): void {
    const d = new Array<number>(this.sums.length).fill(0);
    d[this.sums.indexOf(column)] = delta;
    this.add(key, d);
  }

  get size(): number {
    return this.rows.size;
  }

  flush(): void {
    for (const r of this.rows.values()) this.stmt.run(...r.key, ...r.sums);
    this.rows.clear();
  }

  clear(): void {
    this.rows.clear();
  }
}
