/** bench/results.json: the rows plus what is needed to judge them (machine, load, versions, flags). */
import { execSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import type { BenchOptions } from './options.js';
import type { Row } from './report.js';
import { nodePath, ROOT } from './systems.js';

function quiet(cmd: string): string | undefined {
  try {
    return execSync(cmd, { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return undefined;
  }
}

export function machine(): Record<string, unknown> {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    memoryBytes: totalmem(),
    loadavg: loadavg(),
    bun: process.versions.bun,
    node: quiet(`${nodePath()} --version`),
    commit: quiet('git rev-parse --short HEAD'),
    dirty: Boolean(quiet('git status --porcelain -- src')),
  };
}

/** Writes the results; `atStart` is machine() taken when the run began (the commit that was built). */
export function writeResults(path: string, opts: BenchOptions, rows: Row[], startedAt: number, atStart: Record<string, unknown>): void {
  const doc = {
    startedAt: new Date(startedAt).toISOString(),
    seconds: Math.round((Date.now() - startedAt) / 1000),
    machine: { ...atStart, loadavgAtEnd: loadavg() },
    options: opts,
    rows,
  };
  writeFileSync(path, JSON.stringify(doc, null, 2) + '\n');
}

const la = (x: unknown) => (x as number[]).map((v) => v.toFixed(1)).join(' / ');

/** Replaces the table between the bench-table markers of a README with this run's table and notes. */
export function writeReadmeTable(path: string, table: string, startedAt: number, m: Record<string, unknown> = machine()): void {
  const text = readFileSync(path, 'utf8');
  const start = text.indexOf('<!-- bench-table -->');
  const end = text.indexOf('<!-- /bench-table -->');
  if (start === -1 || end === -1) throw new Error(`${path} has no <!-- bench-table --> … <!-- /bench-table --> block`);
  const head = `Run of ${new Date(startedAt).toISOString().slice(0, 16).replace('T', ' ')} UTC on ${m.cpus} cores (${m.cpuModel}), Bun ${m.bun}, Node ${m.node}, ` +
    `commit ${m.commit}${m.dirty ? ' + local changes' : ''}; load average (1/5/15 min) at the start ${la(m.loadavg)}, at the end ${la(m.loadavgAtEnd ?? loadavg())}.`;
  writeFileSync(path, `${text.slice(0, start)}<!-- bench-table -->\n${head}\n\n${table}\n${text.slice(end)}`);
}
