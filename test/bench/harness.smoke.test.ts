/**
 * Smoke run of the benchmark harness: it must start the built binary and a baseline, drive load,
 * collect every row it was asked for, print the table and write the results file, and leave no
 * process behind. Numbers are not checked (performance belongs to `npm run bench`).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

function runBench(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; pid: number }> {
  return new Promise((res) => {
    const p = spawn(join(ROOT, 'node_modules/.bin/bun'), ['bench/run.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('exit', (code) => res({ code, stdout, stderr, pid: p.pid! }));
  });
}

/** Processes whose command line names the run's work dir (bench/.work/run-PID): its servers. */
function leftovers(benchPid: number): string[] {
  const marker = `run-${benchPid}`;
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cmd.includes(marker)) found.push(`${pid}: ${cmd}`);
    } catch {
      // exited meanwhile
    }
  }
  return found;
}

describe('benchmark harness (smoke)', () => {
  it('rejects unknown flags with a message naming them', async () => {
    const r = await runBench(['--only', 'nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown: nope');
  });

  it('runs the quick rows against the binary and the ceiling, prints the table and writes results', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'auren-bench-')), 'results.json');
    const r = await runBench(['--quick', '--only', 'ingest,fanout,footprint,sustain', '--systems', 'auren-bun,ceiling', '--seconds', '1', '--warmup', '0', '--rounds', '2', '--clients', '10', '--out', out]);
    expect(r.code, r.stderr.slice(-3000)).toBe(0);
    expect(r.stdout).toContain('| # | Measure | System | Result | Baseline (same run) | Ratio | Target |');
    const doc = JSON.parse(readFileSync(out, 'utf8')) as {
      rows: { row: number; system: string; measure: string; value: number | null; ratio?: number | null; baseline?: { value: number | null }; status?: string; details?: { rounds?: { rate: number }[] } }[];
    };
    expect(doc.rows.filter((x) => x.status === 'error')).toEqual([]);
    // Two rounds of the ingest row: each figure is one real round, quoted against the same round's ceiling.
    const rowOf = (system: string) => doc.rows.find((x) => x.row === 1 && x.system === system && x.measure === 'ingest NDJSON ×100')!;
    const [auren, ceiling] = [rowOf('Auren (Bun binary)'), rowOf('Bun ceiling (parse+insert+publish)')];
    const rates = auren.details!.rounds!.map((m) => m.rate);
    const ceilingRates = ceiling.details!.rounds!.map((m) => m.rate);
    expect(rates).toHaveLength(2);
    const round = rates.indexOf(auren.value!);
    expect(round).toBeGreaterThanOrEqual(0);
    expect(auren.baseline!.value).toBe(ceilingRates[round]);
    expect(auren.ratio).toBeCloseTo(auren.value! / ceilingRates[round], 9);
    for (const row of [1, 4, 8, 9]) {
      const aurenRows = doc.rows.filter((x) => x.row === row && x.system === 'Auren (Bun binary)');
      expect(aurenRows.length, `row ${row}`).toBeGreaterThan(0);
      for (const x of aurenRows) expect(x.value, `row ${row}`).toBeGreaterThan(0);
    }
    expect(leftovers(r.pid)).toEqual([]);
  }, 180_000);
});
