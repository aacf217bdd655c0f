/**
 * The dashboard state's own database file, DIR/state.db beside the store's auren.db. SQLite lets one
 * connection write a file at a time: with the state in the store's file, every state transaction
 * (written on its own thread) would make ingest commits wait. In its own file it has its own lock.
 * The event loop's connection attaches it as `state`; unqualified names of state tables resolve
 * there, so every query reads the same SQL as before.
 */
import type { OpenSqlite, SqliteDatabase } from '../runtime/types.js';
import { stateMigrations } from '../store/sqlite/migrations.js';
import './migrations.js';

export const STATE_FILE = 'state.db';

/** WAL for the same reasons as the store; its cache is smaller (rollups are keyed, queries are ranges). */
export const STATE_PRAGMAS = 'PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000; PRAGMA temp_store = MEMORY';

/** Creates or migrates the state file on a connection of its own (migrations create tables in `main`). */
export function migrateStateFile(openSqlite: OpenSqlite, path: string): void {
  const s = openSqlite(path);
  try {
    s.exec(STATE_PRAGMAS);
    stateMigrations.migrate(s);
  } finally {
    s.close();
  }
}

/** Migrates the state file, attaches it to the store's connection as `state`, and moves old state tables into it. */
export function attachStateFile(db: SqliteDatabase, openSqlite: OpenSqlite, path: string): void {
  migrateStateFile(openSqlite, path);
  db.prepare('ATTACH DATABASE ? AS state').run(path);
  db.exec('PRAGMA state.cache_size = -32768');
  moveStoreState(db);
}

/** The state's tables (everything in state.db but the migrations' own bookkeeping). */
export function stateTables(db: SqliteDatabase, schema = 'state'): string[] {
  return db
    .prepare(`SELECT name FROM ${schema}.sqlite_master WHERE type = 'table' AND name <> 'schema_migrations' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
    .all<{ name: string }>()
    .map((r) => r.name);
}

/**
 * A store from before state.db, or restored from a backup, holds the state's tables itself. Those
 * are the truth (their marks match the store's events): they replace what state.db holds, then
 * leave the store. Two transactions, because one over two WAL files is not atomic: a crash after
 * the copy copies again at the next start; the tables leave the store only once they are copied.
 */
export function moveStoreState(db: SqliteDatabase): number {
  const inStore = new Set(
    db.prepare("SELECT name FROM main.sqlite_master WHERE type = 'table'").all<{ name: string }>().map((r) => r.name),
  );
  const tables = stateTables(db).filter((t) => inStore.has(t));
  if (tables.length === 0) return 0;
  db.transaction(() => {
    for (const t of tables) {
      db.exec(`DELETE FROM state."${t}"`);
      db.exec(`INSERT INTO state."${t}" SELECT * FROM main."${t}"`);
    }
  });
  db.transaction(() => {
    for (const t of tables) db.exec(`DROP TABLE main."${t}"`);
  });
  return tables.length;
}
