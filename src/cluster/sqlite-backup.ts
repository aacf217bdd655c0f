/**
 * Online backup of the SQLite store while the server runs: `VACUUM INTO` writes a consistent,
 * compacted copy from one read transaction (WAL readers never block the writer, nor it them).
 * Works the same on bun:sqlite and better-sqlite3. The copy is written beside the target and
 * renamed into place, so a backup file is either complete or absent.
 *
 * The dashboard state's own file (state.db, beside the store) goes into the same backup file: its
 * tables are copied in after the events, from a copy taken first — so the state's marks never run
 * ahead of the events in the file, and a restored server replays whatever the state lacks. A
 * server started on a store that holds state tables moves them into its state.db (state-file.ts).
 */
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import type { OpenSqlite, SqliteDatabase } from '../runtime/types.js';
import { stateTables } from '../state/state-file.js';

export interface BackupResult {
  path: string;
  bytes: number;
  events: number;
  schemaVersion: number;
  ms: number;
}

export function backupSqlite(openSqlite: OpenSqlite, source: string, dest: string, overwrite = false, stateSource?: string): BackupResult {
  if (!existsSync(source)) throw new Error(`no store at ${source}; pass the server's --data-dir`);
  if (existsSync(dest) && !overwrite) throw new Error(`${dest} exists; pass --force to replace it`);
  const started = Date.now();
  const tmp = `${dest}.partial-${process.pid}`;
  const tmpState = `${tmp}-state`;
  const withState = stateSource !== undefined && existsSync(stateSource);
  rmSync(tmp, { force: true });
  rmSync(tmpState, { force: true });
  try {
    if (withState) vacuumInto(openSqlite, stateSource, tmpState);
    vacuumInto(openSqlite, source, tmp);
    if (withState) mergeState(openSqlite, tmp, tmpState);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  } finally {
    rmSync(tmpState, { force: true });
  }
  // Check the copy before it replaces anything.
  const copy = openSqlite(tmp);
  let facts: { events: number; schemaVersion: number };
  try {
    facts = inspect(copy);
  } catch (err) {
    copy.close();
    rmSync(tmp, { force: true });
    throw err;
  }
  copy.close();
  renameSync(tmp, dest);
  return { path: dest, bytes: statSync(dest).size, ...facts, ms: Date.now() - started };
}

function vacuumInto(openSqlite: OpenSqlite, source: string, into: string): void {
  const db = openSqlite(source);
  try {
    db.exec('PRAGMA busy_timeout = 10000');
    db.prepare('VACUUM INTO ?').run(into);
  } catch (err) {
    throw new Error(`backup of ${source} failed: ${(err as Error).message}`, { cause: err });
  } finally {
    db.close();
  }
}

/** Copies every state table (with its indexes) from the state copy into the store copy. */
function mergeState(openSqlite: OpenSqlite, store: string, state: string): void {
  const db = openSqlite(store);
  try {
    db.prepare('ATTACH DATABASE ? AS s').run(state);
    const createSql = db.prepare("SELECT sql FROM s.sqlite_master WHERE type = 'table' AND name = ?");
    const tables = stateTables(db, 's').map((name) => ({ name, sql: createSql.get<{ sql: string }>(name)!.sql }));
    const indexes = db.prepare("SELECT sql FROM s.sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL").all<{ sql: string }>;
    const exists = db.prepare("SELECT 1 AS y FROM main.sqlite_master WHERE type = 'table' AND name = ?");
    db.transaction(() => {
      for (const t of tables) {
        if (exists.get(t.name)) db.exec(`DELETE FROM main."${t.name}"`);
        else {
          db.exec(t.sql);
          for (const i of indexes(t.name)) db.exec(i.sql);
        }
        db.exec(`INSERT INTO main."${t.name}" SELECT * FROM s."${t.name}"`);
      }
    });
    db.exec('DETACH DATABASE s');
  } catch (err) {
    throw new Error(`backup of the dashboard state (${state}) failed: ${(err as Error).message}`, { cause: err });
  } finally {
    db.close();
  }
}

function inspect(db: SqliteDatabase): { events: number; schemaVersion: number } {
  const check = db.prepare('PRAGMA quick_check').get<{ quick_check: string }>();
  if (check?.quick_check !== 'ok') throw new Error(`the backup copy failed its integrity check: ${check?.quick_check}`);
  const schemaVersion = db.prepare('PRAGMA user_version').get<{ user_version: number }>()?.user_version ?? 0;
  const hasEvents = db.prepare("SELECT 1 AS y FROM sqlite_master WHERE type = 'table' AND name = 'events'").get();
  const events = hasEvents ? db.prepare('SELECT COUNT(*) AS n FROM events').get<{ n: number }>()!.n : 0;
  return { events, schemaVersion };
}
