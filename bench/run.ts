/**
 * `npm run bench`: runs the benchmark rows picked by the flags (see bench/README.md), prints the
 * table — every figure next to a baseline measured in the same run — and writes bench/results.json.
 * All servers and clients are separate processes on 127.0.0.1, stopped at the end.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { SuiteContext, Suite } from './lib/context.js';
import { HELP, parseOptions, type BenchOptions, type RowName } from './lib/options.js';
import { stopAll } from './lib/procs.js';
import { renderNotes, renderTable, type Row } from './lib/report.js';
import { machine, writeReadmeTable, writeResults } from './lib/results.js';
import { nodeSnapshotDir, ROOT, WORK } from './lib/systems.js';
import { archiveSuite } from './suites/archive.js';
import { dashboardsSuite } from './suites/dashboards.js';
import { fanoutSuite } from './suites/fanout.js';
import { footprintSuite } from './suites/footprint.js';
import { ingestSuite } from './suites/ingest.js';
import { latencySuite } from './suites/latency.js';
import { slowSuite } from './suites/slow-consumers.js';
import { sustainSuite } from './suites/sustain.js';

const SUITES: Record<RowName, Suite> = {
  ingest: ingestSuite,
  latency: latencySuite,
  fanout: fanoutSuite,
  slow: slowSuite,
  dashboards: dashboardsSuite,
  archive: archiveSuite,
  footprint: footprintSuite,
  sustain: sustainSuite,
};

function options(): BenchOptions {
  try {
    const o = parseOptions(process.argv.slice(2));
    if (o !== 'help') return o;
    process.stdout.write(HELP);
    process.exit(0);
  } catch (err) {
    process.stderr.write(`bench: ${(err as Error).message}\n`);
    process.exit(2);
  }
}
const opts = options();

const runDir = join(WORK, `run-${process.pid}`);
mkdirSync(runDir, { recursive: true });
const started = Date.now();
const atStart = machine();
const log = (msg: string) => process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)}s] ${msg}\n`);
const ctx: SuiteContext = { opts, env: { runDir, cpuProf: opts.cpuProf }, log };

async function cleanup(): Promise<void> {
  await stopAll();
  rmSync(nodeSnapshotDir(ctx.env), { recursive: true, force: true });
  if (!opts.keep) rmSync(runDir, { recursive: true, force: true });
}
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    log(`${sig}: stopping every process of the run`);
    void cleanup().then(() => process.exit(130));
  });
}

const rows: Row[] = [];
let failed = false;
for (const name of opts.only) {
  log(`row ${name}`);
  try {
    rows.push(...(await SUITES[name](ctx)));
  } catch (err) {
    failed = true;
    log(`row ${name} failed: ${(err as Error).stack ?? err}`);
    const lines = (err as Error).message.split('\n').filter((l) => l.trim());
    const note = lines.length > 1 ? `${lines[0]} — ${lines.at(-1)!.slice(0, 200)}` : lines[0];
    rows.push({ row: 0, measure: name, system: '', value: null, unit: '', status: 'error', note });
    await stopAll();
  }
}
await cleanup();

const out = opts.out.startsWith('/') ? opts.out : join(ROOT, opts.out);
writeResults(out, opts, rows, started, atStart);
const table = `${renderTable(rows)}\n\n${renderNotes(rows)}\n`;
if (opts.readme) writeReadmeTable(join(ROOT, 'bench/README.md'), table, started, { ...atStart, loadavgAtEnd: loadavg() });
process.stdout.write(`\n${table}\nresults: ${out}\n`);
process.exit(failed ? 1 : 0);
