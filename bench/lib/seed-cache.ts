/**
 * Seeded stores for the dashboard row. Seeding 10 M events takes minutes, so the pristine seeded
 * database is kept in bench/.work/seed/ (git-ignored) and copied into each run; it is rebuilt when the
 * workload version or size differs, or when it is older than 12 hours (events are dated "last 24 h").
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startChild } from './procs.js';
import { bunPath, ROOT, WORK } from './systems.js';

/** Bump when the workload or seeding changes, so old caches are not reused. */
const SEED_VERSION = 1;
const MAX_AGE_MS = 12 * 3_600_000;

interface Stamp {
  version: number;
  events: number;
  createdAt: number;
  seconds: number;
}

export interface Seeded {
  dataDir: string;
  events: number;
  seedSeconds: number;
  reused: boolean;
  copySeconds: number;
}

export async function seededCopy(events: number, intoDir: string, log: (m: string) => void): Promise<Seeded> {
  const dir = join(WORK, 'seed', `events-${events}`);
  const stampPath = join(dir, 'stamp.json');
  let stamp: Stamp | undefined = existsSync(stampPath) ? (JSON.parse(readFileSync(stampPath, 'utf8')) as Stamp) : undefined;
  const fresh = stamp && stamp.version === SEED_VERSION && stamp.events === events && Date.now() - stamp.createdAt < MAX_AGE_MS;
  if (!fresh) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    log(`seeding ${events.toLocaleString('en-US')} events through the product's ingest and store code`);
    const child = startChild('seed', bunPath(), [join(ROOT, 'bench/seed/seed-store.ts'), '--data-dir', dir, '--events', String(events)]);
    const done = JSON.parse((await child.waitFor(/^\{"seeded"/, Math.max(120_000, events * 2))).input) as { seconds: number };
    await child.exited;
    stamp = { version: SEED_VERSION, events, createdAt: Date.now(), seconds: done.seconds };
    writeFileSync(stampPath, JSON.stringify(stamp));
  }
  mkdirSync(intoDir, { recursive: true });
  const t0 = performance.now();
  copyFileSync(join(dir, 'auren.db'), join(intoDir, 'auren.db'));
  return { dataDir: intoDir, events, seedSeconds: stamp!.seconds, reused: Boolean(fresh), copySeconds: (performance.now() - t0) / 1000 };
}
