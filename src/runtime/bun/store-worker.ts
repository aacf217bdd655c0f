/** The store's checkpoint thread on Bun (bun:sqlite). */
import { serveCheckpoints } from '../../store/sqlite/checkpoint-thread.js';
import { openSqlite } from './sqlite.js';

serveCheckpoints(openSqlite);
