/** The archive's encoder thread on Node: better-sqlite3 reads the store, gzip compresses. */
import { serveArchiveEncoder } from '../../archive/worker/serve.js';
import { openSqlite } from './sqlite.js';

serveArchiveEncoder({ openSqlite });
