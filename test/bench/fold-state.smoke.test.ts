/**
 * Smoke run of the state-fold probe (bench/seed/fold-state.ts) on a small seeded store: it must fold
 * every stored event, report each step's time and leave the store as it was. Numbers are not checked.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const BUN = join(ROOT, 'node_modules/.bin/bun');
const dir = mkdtempSync(join(tmpdir(), 'auren-fold-smoke-'));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('state-fold probe (smoke)', () => {
  it('folds every event of a seeded store and reports read, fold and write times per event', () => {
    execFileSync(BUN, ['bench/seed/seed-store.ts', '--data-dir', dir, '--events', '20000'], { cwd: ROOT });
    const before = statSync(join(dir, 'auren.db')).mtimeMs;
    const out = execFileSync(BUN, ['bench/seed/fold-state.ts', '--data-dir', dir], { cwd: ROOT, encoding: 'utf8' });
    const report = JSON.parse(out.trim()) as { events: number; us_per_event: Record<string, number> };
    expect(report.events).toBe(20000);
    for (const step of ['read', 'fold', 'write']) expect(report.us_per_event[step]).toBeGreaterThan(0);
    // The store is only read: unchanged, and no state file was written beside it.
    expect(statSync(join(dir, 'auren.db')).mtimeMs).toBe(before);
    expect(readdirSync(dir).filter((f) => f.startsWith('state'))).toEqual([]);
  }, 60_000);
});
