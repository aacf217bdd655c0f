/** better-sqlite3 (12.x: 13 crashes on Node 20) behind the runtime-neutral SqliteDatabase. */
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import type { SqliteDatabase, SqlStatement, SqlValue } from '../types.js';

export function openSqlite(path: string): SqliteDatabase {
  const db = new Database(path);
  db.defaultSafeIntegers(false);
  const orm = drizzle(db) as unknown as BaseSQLiteDatabase<'sync', unknown>;
  return {
    driver: 'better-sqlite3',
    exec: (sql) => void db.exec(sql),
    prepare(sql): SqlStatement {
      const st = db.prepare(sql);
      const reader = st.reader;
      return {
        run: (...p: SqlValue[]) => st.run(...p),
        all: <R>(...p: SqlValue[]) => (reader ? (st.all(...p) as R[]) : []),
        get: <R>(...p: SqlValue[]) => (reader ? (st.get(...p) as R | undefined) : undefined),
      };
    },
    transaction: <T>(fn: () => T): T => db.transaction(fn).immediate(),
    orm,
    close: () => db.close(),
  };
}
