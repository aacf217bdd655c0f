/** The store's checkpoint thread on Node (better-sqlite3). */
import { serveCheckpoints } from '../../store/sqlite/checkpoint-thread.js';
import { openSqlite } from './sqlite.js';

serveCheckpoints(openSqlite);
