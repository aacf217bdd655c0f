import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrate, registerMigration } from '../../src/store/sqlite/migrations.js';
import { nodeRuntime } from '../../src/runtime/node/server.js';
import { tempDir } from '../helpers/config.js';

describe('migrations', () => {
  it('applies each migration once, including one numbered below a version applied earlier', () => {
    const path = join(tempDir(), 'm.db');
    const db = nodeRuntime.openSqlite(path);
    const first = migrate(db);
    expect(first).toBeGreaterThan(0);
    expect(migrate(db)).toBe(first);
    // A later build adds a migration in a lower range than one already applied (e.g. 9 after 21).
    registerMigration({ version: 9, sql: 'CREATE TABLE late_core (x INTEGER)' });
    migrate(db);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'late_core'").get()).toBeDefined();
    db.close();
  });

  it('refuses a database written by a newer build', () => {
    const db = nodeRuntime.openSqlite(join(tempDir(), 'n.db'));
    migrate(db);
    db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (999, 0)').run();
    expect(() => migrate(db)).toThrow(/newer auren/);
    db.close();
  });
});

describe('migrations from a database that only kept user_version', () => {
  it('takes every migration up to that version as applied', () => {
    const db = nodeRuntime.openSqlite(join(tempDir(), 'legacy.db'));
    migrate(db);
    db.exec('DROP TABLE schema_migrations');
    expect(() => migrate(db)).not.toThrow();
    expect(db.prepare('SELECT COUNT(*) AS n FROM schema_migrations').get<{ n: number }>()!.n).toBeGreaterThan(0);
    db.close();
  });
});
