/**
 * Seeds an Auren data dir with N realistic events spread over the last 24 hours, through the
 * product's own ingest path (validation, tiers, pricing) and SQLite event log, in large batches
 * (one transaction each) — the bulk path, without HTTP. Prints progress lines and a summary.
 *
 *   bun bench/seed/seed-store.ts --data-dir DIR --events 10000000
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Classifier } from '../../src/classify/tier-rules.js';
import { IngestService } from '../../src/ingest/ingest-service.js';
import { createPricer } from '../../src/pricing/genai-pricer.js';
import { openSqlite } from '../../src/runtime/bun/sqlite.js';
import { SqliteEventLog } from '../../src/store/sqlite/sqlite-event-log.js';
import { Metrics } from '../../src/telemetry/metrics.js';
import { flag } from '../load/cli.js';
import { Workload } from '../lib/workload.js';

const dir = flag('--data-dir', './data-seed');
const total = Number(flag('--events', '100000'));
const BATCH = 5000;
const SPAN_MS = 24 * 3_600_000;

mkdirSync(dir, { recursive: true });
const db = openSqlite(join(dir, 'auren.db'));
// Seeding is a bulk load: durability per batch is not needed until the final checkpoint.
db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF; PRAGMA cache_size = -262144');
const end = Date.now();
const start = end - SPAN_MS;
const work = new Workload({ seed: 2024, startMs: start, stepMs: SPAN_MS / total });
// The clock follows the events, so received_at spreads over the day like the event times.
let now = start;
const clock = { now: () => now };
const log = new SqliteEventLog({ db, clock, dedupWindowMs: 1000 });
const ingest = new IngestService({ log, classifier: new Classifier([]), pricer: createPricer(undefined), clock, metrics: new Metrics(), maxDataBytes: 64 * 1024 });

const t0 = performance.now();
let done = 0;
while (done < total) {
  const n = Math.min(BATCH, total - done);
  const items = work.batch(n).map((value) => ({ value }));
  now = start + Math.round(((done + n) / total) * SPAN_MS);
  const r = await ingest.ingest('default', items);
  if (r.accepted !== n) throw new Error(`seed batch accepted ${r.accepted} of ${n}: ${JSON.stringify(r.errors.slice(0, 3))}`);
  done += n;
  if (done % 500_000 === 0) process.stdout.write(JSON.stringify({ progress: done, seconds: (performance.now() - t0) / 1000 }) + '\n');
}
db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
db.close();
process.stdout.write(JSON.stringify({ seeded: done, seconds: (performance.now() - t0) / 1000, from: start, to: end }) + '\n');
