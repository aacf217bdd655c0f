/**
 * Online backup of the SQLite store while the server runs: `VACUUM INTO` writes a consistent,
 * compacted copy from one read transaction (WAL readers never block the writer, nor it them).
 * Works the same on bun:sqlite and better-sqlite3. The copy is written beside the target and
 * renamed into place, so a backup file is either complete or absent.
 */
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import type { OpenSqlite, SqliteDatabase } from '../runtime/types.js';

export interface BackupResult {
  path: string;
  bytes: number;
  events: number;
  schemaVersion: number;
  ms: number;
}

export function backupSqlite(openSqlite: OpenSqlite, source: string, dest: string, overwrite = false): BackupResult {
  if (!existsSync(source)) throw new Error(`no store at ${source}; pass the server's --data-dir`);
  if (existsSync(dest) && !overwrite) throw new Error(`${dest} exists; pass --force to replace it`);
  const started = Date.now();
  const tmp = `${dest}.partial-${process.pid}`;
  rmSync(tmp, { force: true });
  const db = openSqlite(source);
  try {
    db.exec('PRAGMA busy_timeout = 10000');
    db.prepare('VACUUM INTO ?').run(tmp);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new Error(`backup of ${source} failed: ${(err as Error).message}`, { cause: err });
  } finally {
    db.close();
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

function inspect(db: SqliteDatabase): { events: number; schemaVersion: number } {
  const check = db.prepare('PRAGMA quick_check').get<{ quick_check: string }>();
  if (check?.quick_check !== 'ok') throw new Error(`the backup copy failed its integrity check: ${check?.quick_check}`);
  const schemaVersion = db.prepare('PRAGMA user_version').get<{ user_version: number }>()?.user_version ?? 0;
  const hasEvents = db.prepare("SELECT 1 AS y FROM sqlite_master WHERE type = 'table' AND name = 'events'").get();
  const events = hasEvents ? db.prepare('SELECT COUNT(*) AS n FROM events').get<{ n: number }>()!.n : 0;
  return { events, schemaVersion };
}
