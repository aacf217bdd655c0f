import { join } from 'node:path';
import { getTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { describe, expect, it } from 'vitest';
import { openSqlite } from '../../src/runtime/node/sqlite.js';
import '../../src/state/migrations.js';
import * as schema from '../../src/state/schema/index.js';
import { migrate } from '../../src/store/sqlite/migrations.js';
import { tempDir } from '../helpers/config.js';

describe('state schema', () => {
  it('the drizzle tables match what the migrations create', () => {
    const db = openSqlite(join(tempDir(), 'auren.db'));
    migrate(db);
    const tables = (Object.values(schema) as unknown[]).filter((t): t is SQLiteTable => t instanceof SQLiteTable);
    expect(tables.length).toBeGreaterThan(10);
    for (const t of tables) {
      const cfg = getTableConfig(t);
      const cols = db.prepare(`PRAGMA table_info(${cfg.name})`).all<{ name: string; notnull: number }>();
      expect(cols.map((c) => c.name).sort(), cfg.name).toEqual(cfg.columns.map((c) => c.name).sort());
      for (const c of cfg.columns) expect(cols.find((x) => x.name === c.name)!.notnull === 1 || c.primary, `${cfg.name}.${c.name} NOT NULL`).toBe(c.notNull);
    }
    db.close();
  });
});
