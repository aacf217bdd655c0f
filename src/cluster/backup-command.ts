/**
 * `auren backup [--data-dir DIR] [--force] FILE`: a consistent copy of the SQLite store (with the
 * dashboard state from DIR/state.db), taken while the server runs. Restore = stop the server, put
 * the file at DIR/auren.db (remove any auren.db-wal / -shm beside it), start the server.
 */
import { dirname, join, resolve } from 'node:path';
import { mkdirSync } from 'node:fs';
import { ConfigError, loadConfig } from '../config/load.js';
import type { Command } from '../cli/commands.js';
import { STATE_FILE } from '../state/state-file.js';
import { backupSqlite } from './sqlite-backup.js';

const HELP = `Usage: auren backup [--data-dir DIR] [--force] FILE

Writes a consistent copy of DIR/auren.db, with the dashboard state of DIR/state.db, to FILE
while the server keeps running (SQLite VACUUM INTO: one read transaction per file, compacted,
integrity-checked before it is put in place).
--data-dir / AUREN_DATA_DIR as for "auren serve" (default ./data). --force replaces FILE.
In cluster mode events live in NATS JetStream (back up its store); the file then holds the
node's own tables (dashboards state, archive bookkeeping).

Restore: stop the server, copy FILE to DIR/auren.db, delete DIR/auren.db-wal and
DIR/auren.db-shm if present, start the server (the same or a newer version). At start the
server replaces DIR/state.db with the state from the backup.
`;

export const backupCommand: Command = {
  name: 'backup',
  summary: 'Copy the SQLite store to a file while the server runs',
  async run(args, runtime) {
    if (args.includes('--help') || args.includes('-h')) {
      process.stdout.write(HELP);
      return 0;
    }
    const force = args.includes('--force');
    const rest = args.filter((a) => a !== '--force');
    const positional: string[] = [];
    const flags: string[] = [];
    for (let i = 0; i < rest.length; i++) {
      if (rest[i].startsWith('--')) {
        flags.push(rest[i]);
        if (!rest[i].includes('=') && rest[i + 1] !== undefined) flags.push(rest[++i]);
      } else positional.push(rest[i]);
    }
    if (positional.length !== 1) throw new ConfigError(`auren backup needs exactly one FILE to write\n\n${HELP}`);
    const config = loadConfig(flags, process.env);
    const dest = resolve(positional[0]);
    mkdirSync(dirname(dest), { recursive: true });
    const r = backupSqlite(runtime.openSqlite, join(config.dataDir, 'auren.db'), dest, force, join(config.dataDir, STATE_FILE));
    process.stdout.write(`backup written: ${r.path} (${r.bytes} bytes, ${r.events} events, schema ${r.schemaVersion}, ${r.ms} ms)\n`);
    return 0;
  },
};
