/** bun:sqlite behind the runtime-neutral SqliteDatabase (Bun cannot load better-sqlite3). */
import { Database } from 'bun:sqlite';
import { drizzle } from 'drizzle-orm/bun-sqlite';
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import type { SqliteDatabase, SqlStatement, SqlValue } from '../types.js';

export function openSqlite(path: string): SqliteDatabase {
  const db = new Database(path, { create: true, strict: true });
  const orm = drizzle(db) as unknown as BaseSQLiteDatabase<'sync', unknown>;
  return {
    driver: 'bun:sqlite',
    exec: (sql) => void db.run(sql),
    prepare(sql): SqlStatement {
      const st = db.prepare(sql);
      return {
        run: (...p: SqlValue[]) => st.run(...(p as never[])),
        all: <R>(...p: SqlValue[]) => st.all(...(p as never[])) as R[],
        // bun:sqlite answers null for no row; the interface promises undefined.
        get: <R>(...p: SqlValue[]) => (st.get(...(p as never[])) ?? undefined) as R | undefined,
      };
    },
    transaction: <T>(fn: () => T): T => db.transaction(fn).immediate(),
    orm,
    close: () => db.close(),
  };
}
