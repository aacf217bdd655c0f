/** The archive's encoder thread on Bun: bun:sqlite reads the store, zstd compresses. */
import { serveArchiveEncoder } from '../../archive/worker/serve.js';
import { openSqlite } from './sqlite.js';

serveArchiveEncoder({ openSqlite, zstdCompress: (data, level = 3) => Bun.zstdCompressSync(data, { level }) });
