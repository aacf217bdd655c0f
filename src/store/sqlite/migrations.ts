/**
 * Schema migrations, shipped in the binary as SQL. Forward only: each step runs once, in order, and
 * `PRAGMA user_version` records how far a database has come.
 */
import type { SqliteDatabase } from '../../runtime/types.js';

export interface Migration {
  version: number;
  sql: string;
}

const migrations: Migration[] = [];

/** Other modules (dashboard state, archive) add their own migrations; versions must be unique. */
export function registerMigration(m: Migration): void {
  if (migrations.some((x) => x.version === m.version)) throw new Error(`migration ${m.version} registered twice`);
  migrations.push(m);
  migrations.sort((a, b) => a.version - b.version);
}

export function migrate(db: SqliteDatabase): number {
  const current = (db.prepare('PRAGMA user_version').get<{ user_version: number }>()?.user_version) ?? 0;
  const known = migrations.at(-1)?.version ?? 0;
  if (current > known) {
    throw new Error(`the database is at schema version ${current}, newer than this build knows (${known}); run the newer auren or restore a backup`);
  }
  for (const m of migrations) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.exec(`PRAGMA user_version = ${m.version}`);
    });
  }
  return known;
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
