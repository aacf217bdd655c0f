/** The dashboard state's thread on Node (better-sqlite3). */
import { serveState } from '../../state/thread/serve.js';
import { openSqlite } from './sqlite.js';

serveState(openSqlite);
