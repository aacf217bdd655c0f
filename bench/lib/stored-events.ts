/**
 * Turns workload events into StoredEvents exactly as the server stores them (validation, tiers,
 * pricing, seq, ids), through the product's ingest service and an in-memory SQLite event log.
 */
import { Classifier } from '../../src/classify/tier-rules.js';
import type { StoredEvent } from '../../src/core/event.js';
import { IngestService } from '../../src/ingest/ingest-service.js';
import { createPricer } from '../../src/pricing/genai-pricer.js';
import { openSqlite } from '../../src/runtime/bun/sqlite.js';
import { SqliteEventLog } from '../../src/store/sqlite/sqlite-event-log.js';
import { Metrics } from '../../src/telemetry/metrics.js';
import { Workload } from './workload.js';

export async function storedEvents(n: number, seed = 99): Promise<StoredEvent[]> {
  const db = openSqlite(':memory:');
  const clock = { now: () => Date.now() };
  const log = new SqliteEventLog({ db, clock, dedupWindowMs: 1000 });
  const out: StoredEvent[] = [];
  log.onAppend((events) => {
    for (const e of events) out.push(e);
  });
  const ingest = new IngestService({ log, classifier: new Classifier([]), pricer: createPricer(undefined), clock, metrics: new Metrics(), maxDataBytes: 64 * 1024 });
  const work = new Workload({ seed });
  for (let done = 0; done < n; done += 5000) {
    await ingest.ingest('default', work.batch(Math.min(5000, n - done)).map((value) => ({ value })));
  }
  db.close();
  return out;
}
