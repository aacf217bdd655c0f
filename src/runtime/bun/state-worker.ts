/** The dashboard state's thread on Bun (bun:sqlite). */
import { serveState } from '../../state/thread/serve.js';
import { openSqlite } from './sqlite.js';

serveState(openSqlite);
