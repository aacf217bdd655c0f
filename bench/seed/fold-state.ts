/**
 * Measures the dashboard state's fold in-process: reads a data dir's stored events the way the state
 * thread does (pages of 2,000), folds them with the product's StateWriter and writes the sums every
 * 15,000 events (about one 250 ms round at 60k ev/s), into a fresh state file beside nothing the
 * server uses. Prints the time per event of each step, of the whole run and of the process's CPU on
 * every thread (the collector's helpers included); the store is only read.
 *
 *   bun bench/seed/fold-state.ts --data-dir DIR [--events 1000000]
 *
 * A data dir written by the bench's load or by seed-store.ts will do. Run it a few times, alternating
 * builds, before quoting a difference: the machines we measure on move by ±20% from minute to minute.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import { openSqlite } from '../../src/runtime/bun/sqlite.js';
import { migrateStateFile, STATE_PRAGMAS } from '../../src/state/state-file.js';
import { StateWriter } from '../../src/state/state-writer.js';
import { readEvents } from '../../src/store/sqlite/sqlite-event-log.js';
import { flag } from '../load/cli.js';

const PAGE = 2000;
const WRITE_EVERY = 15_000;

const storePath = join(flag('--data-dir', './data-seed'), 'auren.db');
const limit = Number(flag('--events', '1000000'));
const scratch = mkdtempSync(join(tmpdir(), 'auren-fold-'));
const statePath = join(scratch, 'state.db');

migrateStateFile(openSqlite, statePath);
const db = openSqlite(statePath);
db.exec(STATE_PRAGMAS);
const store = openSqlite(storePath);
store.exec('PRAGMA query_only = ON');
// The handoff index lives on the event loop; here its deltas are dropped.
const handoffs = { stage() {}, commit() {}, discard() {} };
// The server's default retention, as `auren serve` would resolve it.
const writer = new StateWriter(db, loadConfig([], {}).retention, handoffs);

const spent = { read: 0, fold: 0, write: 0 };
function write(): void {
  const t = performance.now();
  for (let part = 0; part < writer.parts.length; part++) {
    db.transaction(() => writer.flush(part));
    writer.committed(part);
  }
  spent.write += performance.now() - t;
}

const cpuBefore = process.cpuUsage();
const wallBefore = performance.now();
let after = 0;
let folded = 0;
let unwritten = 0;
while (folded < limit) {
  let t = performance.now();
  const events = readEvents(store, after, Math.min(PAGE, limit - folded));
  spent.read += performance.now() - t;
  if (events.length === 0) break;
  after = events[events.length - 1].seq;
  t = performance.now();
  writer.add(events);
  spent.fold += performance.now() - t;
  folded += events.length;
  unwritten += events.length;
  if (unwritten >= WRITE_EVERY) {
    write();
    unwritten = 0;
  }
}
if (unwritten > 0) write();
// Process CPU, every thread: the collector's helpers and the allocator's scavenging count too.
const cpu = process.cpuUsage(cpuBefore);
const wall = performance.now() - wallBefore;
db.close();
store.close();
rmSync(scratch, { recursive: true, force: true });

const perEvent = (ms: number) => Number(((ms * 1000) / Math.max(1, folded)).toFixed(2));
process.stdout.write(
  JSON.stringify({
    events: folded,
    us_per_event: { read: perEvent(spent.read), fold: perEvent(spent.fold), write: perEvent(spent.write), wall: perEvent(wall), cpu: perEvent((cpu.user + cpu.system) / 1000) },
  }) + '\n',
);
