/** Reads an archive folder back with DuckDB, an independent Parquet reader (hive partitioning on). */
import { DuckDBInstance } from '@duckdb/node-api';

export async function duckQuery(sql: string): Promise<Record<string, unknown>[]> {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    const reader = await conn.runAndReadAll(sql);
    // BIGINTs come back as bigint; safe ones become numbers so tests compare plainly.
    return reader.getRowObjectsJS().map((r) =>
      Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' && Number.isSafeInteger(Number(v)) ? Number(v) : v])),
    );
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

/** `read_parquet('<dir>/**\/*.parquet', hive_partitioning = true)` as a SQL table expression. */
export function archiveTable(dir: string): string {
  return `read_parquet('${dir.replace(/'/g, "''")}/**/*.parquet', hive_partitioning = true)`;
}

export interface ArchivedRow {
  seq: number;
  id: string;
  tier: string;
  ts_ms: number;
  dt: string;
  hour: string;
  file: string;
}

/** Every archived row's seq, id, tier, ts and the partition it sits in. */
export async function archivedRows(dir: string): Promise<ArchivedRow[]> {
  const rows = await duckQuery(
    `SELECT seq::BIGINT AS seq, id, tier, epoch_ms(ts)::BIGINT AS ts_ms, dt::VARCHAR AS dt, hour::VARCHAR AS hour, filename AS file
     FROM read_parquet('${dir}/**/*.parquet', hive_partitioning = true, filename = true) ORDER BY seq`,
  );
  return rows.map((r) => ({ ...r, seq: Number(r.seq), ts_ms: Number(r.ts_ms) }) as ArchivedRow);
}
