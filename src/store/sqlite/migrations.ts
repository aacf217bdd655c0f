/**
 * Schema migrations, shipped in the binary as SQL. Forward only: each step runs once, in its own
 * transaction. Areas own version ranges (core 1–9, dashboards 10–19, archive 20–29, …), so the
 * applied set is recorded per version in `schema_migrations` — a high-water mark would skip a later
 * migration numbered below one applied earlier. `PRAGMA user_version` mirrors the highest applied.
 */
import type { SqliteDatabase } from '../../runtime/types.js';

export interface Migration {
  version: number;
  sql: string;
}

/** The migrations of one database file, applied in version order. */
export class MigrationSet {
  private readonly list: Migration[] = [];

  /** Versions must be unique within the set. */
  register(m: Migration): void {
    if (this.list.some((x) => x.version === m.version)) throw new Error(`migration ${m.version} registered twice`);
    this.list.push(m);
    this.list.sort((a, b) => a.version - b.version);
  }

  /** Applies every registered migration the database lacks; returns the highest version applied. */
  migrate(db: SqliteDatabase): number {
    const migrations = this.list;
    db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)');
    let applied = new Set(db.prepare('SELECT version FROM schema_migrations').all<{ version: number }>().map((r) => r.version));
    // Databases from before this table recorded only a high-water mark: everything up to it was applied.
    const legacy = db.prepare('PRAGMA user_version').get<{ user_version: number }>()?.user_version ?? 0;
    if (applied.size === 0 && legacy > 0) {
      const insert = db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)');
      db.transaction(() => {
        for (const m of migrations) if (m.version <= legacy) insert.run(m.version, Date.now());
      });
      applied = new Set(migrations.filter((m) => m.version <= legacy).map((m) => m.version));
    }
    const known = new Set(migrations.map((m) => m.version));
    const unknown = [...applied].filter((v) => !known.has(v));
    if (unknown.length) {
      throw new Error(`the database has schema migrations this build does not know (${unknown.join(', ')}): it was written by a newer auren; run that one or restore a backup`);
    }
    for (const m of migrations) {
      if (applied.has(m.version)) continue;
      db.transaction(() => {
        db.exec(m.sql);
        db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(m.version, Date.now());
        db.exec(`PRAGMA user_version = ${Math.max(m.version, ...applied)}`);
      });
      applied.add(m.version);
    }
    return Math.max(0, ...applied);
  }
}

/** The store's file (auren.db): events, bookkeeping, and — in cluster mode and older files — the dashboard state. */
export const storeMigrations = new MigrationSet();
/** The dashboard state's own file (state.db) on a single node; see src/state/state-file.ts. */
export const stateMigrations = new MigrationSet();

/** Other modules (dashboard state, archive) add their own migrations to the store; versions must be unique. */
export function registerMigration(m: Migration): void {
  storeMigrations.register(m);
}

/** Applies every store migration the database lacks; returns the highest version applied. */
export function migrate(db: SqliteDatabase): number {
  return storeMigrations.migrate(db);
}

registerMigration({
  version: 1,
  sql: `
    CREATE TABLE events (
      seq INTEGER PRIMARY KEY,
      id TEXT NOT NULL,
      ts INTEGER NOT NULL,
      received_at INTEGER NOT NULL,
      project TEXT NOT NULL,
      tier TEXT NOT NULL,
      type TEXT NOT NULL,
      agent_id TEXT,
      session_id TEXT,
      trace_id TEXT,
      span_id TEXT,
      parent_span_id TEXT,
      model TEXT,
      input_tokens INTEGER,
      output_tokens INTEGER,
      cache_read_tokens INTEGER,
      cache_write_tokens INTEGER,
      reasoning_tokens INTEGER,
      cost_usd REAL,
      confidence REAL,
      data TEXT
    );
    CREATE INDEX events_tier_received ON events (tier, received_at);
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  `,
});

// Retention walks seq with a cursor per tier instead (see SqliteEventLog.sweep): the index cost ingest
// ~1.4 µs per event to keep up to date, more than a tenth of the event loop's time per event.
registerMigration({ version: 2, sql: 'DROP INDEX IF EXISTS events_tier_received;' });
