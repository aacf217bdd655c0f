/**
 * The dashboard state's own database file, DIR/state.db beside the store's auren.db. SQLite lets one
 * connection write a file at a time: with the state in the store's file, every state transaction
 * (written on its own thread) would make ingest commits wait. In its own file it has its own lock.
 * The state thread alone writes it; the event loop reads it through a connection of its own.
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

/**
 * Opens the connection the event loop reads the state through: state.db as `main`, the store
 * attached as `store` (views read a chain's step texts from its events). It only reads while the
 * state thread runs. Not the other way round — the store's connection attaching state.db — because
 * BEGIN IMMEDIATE takes the write lock of every attached file: each ingest commit would then wait
 * for the state thread's transactions, and they for it. Moves a store's old state tables over first.
 */
export function openStateFile(openSqlite: OpenSqlite, statePath: string, storePath: string): SqliteDatabase {
  let db: SqliteDatabase | undefined;
  try {
    migrateStateFile(openSqlite, statePath);
    db = openSqlite(statePath);
    db.exec(`${STATE_PRAGMAS}; PRAGMA cache_size = -32768`);
    db.prepare('ATTACH DATABASE ? AS store').run(storePath);
    moveStoreState(db);
    return db;
  } catch (err) {
    db?.close();
    throw new Error(`cannot open the dashboard state ${statePath}: ${(err as Error).message}; it must be a writable SQLite file (moved aside, the state is rebuilt from the events still in the store; totals older than the store's retention are lost)`, { cause: err });
  }
}

/** The state's tables (everything in state.db but the migrations' own bookkeeping). */
export function stateTables(db: SqliteDatabase, schema = 'main'): string[] {
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
    db.prepare("SELECT name FROM store.sqlite_master WHERE type = 'table'").all<{ name: string }>().map((r) => r.name),
  );
  const tables = stateTables(db).filter((t) => inStore.has(t));
  if (tables.length === 0) return 0;
  db.transaction(() => {
    for (const t of tables) {
      db.exec(`DELETE FROM main."${t}"`);
      db.exec(`INSERT INTO main."${t}" SELECT * FROM store."${t}"`);
    }
  });
  db.transaction(() => {
    for (const t of tables) db.exec(`DROP TABLE store."${t}"`);
  });
  return tables.length;
}
