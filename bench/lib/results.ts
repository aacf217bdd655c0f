/** bench/results.json: the rows plus what is needed to judge them (machine, load, versions, flags). */
import { execSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
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

export function writeResults(path: string, opts: BenchOptions, rows: Row[], startedAt: number, loadAtStart: number[]): void {
  const doc = {
    startedAt: new Date(startedAt).toISOString(),
    loadavgAtStart: loadAtStart,
    seconds: Math.round((Date.now() - startedAt) / 1000),
    machine: machine(),
    options: opts,
    rows,
  };
  writeFileSync(path, JSON.stringify(doc, null, 2) + '\n');
}
