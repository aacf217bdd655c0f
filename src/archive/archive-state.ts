/**
 * The archiver's bookkeeping in the store's SQLite database, per target URI: `cursor` = every seq
 * up to it is in the archive; `pending_to` = the segment (cursor, pending_to] planned and maybe
 * partly uploaded. The plan is recorded before any upload, so a restart redoes exactly the same
 * segment under the same object names: objects are overwritten, never duplicated.
 */
import { randomBytes } from 'node:crypto';
import type { SqliteDatabase } from '../runtime/types.js';
import { registerMigration } from '../store/sqlite/migrations.js';

registerMigration({
  version: 20,
  sql: `
    CREATE TABLE IF NOT EXISTS archive_state (
      target TEXT PRIMARY KEY,
      cursor INTEGER NOT NULL DEFAULT 0,
      pending_to INTEGER,
      updated_at INTEGER NOT NULL
    );
  `,
});

// The writer id names this store's objects (see key-layout.ts); one per store and target.
registerMigration({ version: 21, sql: 'ALTER TABLE archive_state ADD COLUMN writer TEXT;' });

export interface ArchiveProgress {
  cursor: number;
  pendingTo: number | undefined;
  /** The store's writer id for the target (undefined before the first flush). */
  writer?: string;
}

export class ArchiveState {
  constructor(
    private readonly db: SqliteDatabase,
    readonly target: string,
  ) {}

  load(): ArchiveProgress {
    const row = this.db.prepare('SELECT cursor, pending_to FROM archive_state WHERE target = ?').get<{ cursor: number; pending_to: number | null }>(this.target);
    return { cursor: row?.cursor ?? 0, pendingTo: row?.pending_to ?? undefined };
  }

  /** This store's writer id for the target, made (8 random hex digits) and kept on first use. */
  writer(now: number): string {
    const row = this.db.prepare('SELECT writer FROM archive_state WHERE target = ?').get<{ writer: string | null }>(this.target);
    if (row?.writer) return row.writer;
    const id = randomBytes(4).toString('hex');
    this.db
      .prepare('INSERT INTO archive_state (target, cursor, writer, updated_at) VALUES (?, 0, ?, ?) ON CONFLICT(target) DO UPDATE SET writer = excluded.writer')
      .run(this.target, id, now);
    return id;
  }

  /** Records the intent to upload (cursor, to] before any object of it is written. */
  plan(cursor: number, to: number, now: number): void {
    this.db
      .prepare('INSERT INTO archive_state (target, cursor, pending_to, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT(target) DO UPDATE SET cursor = excluded.cursor, pending_to = excluded.pending_to, updated_at = excluded.updated_at')
      .run(this.target, cursor, to, now);
  }

  /** Every object of the planned segment is uploaded: the cursor moves to its end. */
  commit(to: number, now: number): void {
    this.db.prepare('UPDATE archive_state SET cursor = ?, pending_to = NULL, updated_at = ? WHERE target = ?').run(to, now, this.target);
  }
}

/** The cursor of a target in a database that may predate the archive (read-only callers such as verify). */
export function readCursor(db: SqliteDatabase, target: string): ArchiveProgress | undefined {
  try {
    const row = db.prepare('SELECT cursor, pending_to, writer FROM archive_state WHERE target = ?').get<{ cursor: number; pending_to: number | null; writer: string | null }>(target);
    return row ? { cursor: row.cursor, pendingTo: row.pending_to ?? undefined, writer: row.writer ?? undefined } : undefined;
  } catch {
    return undefined;
  }
}
