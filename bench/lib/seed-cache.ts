/**
 * Seeded stores for the dashboard row, cached in bench/.work/seed/ (git-ignored) because seeding
 * 10 M events and building their dashboard state take minutes each:
 *  - the pristine store (events only), rebuilt when the workload version or size changes or when it
 *    is older than 12 hours (events are dated "the last 24 h");
 *  - the same store after Auren has built its dashboard state, keyed by a hash of the state's schema
 *    (src/state/migrations.ts and src/state/schema/), so a schema change rebuilds it and the build
 *    time is measured again. Other state code changes reuse it: the run still waits for the state to
 *    catch up, so a build that resets the state is measured correctly either way.
 * Each run works on a copy.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startChild } from './procs.js';
import { bunPath, ROOT, WORK } from './systems.js';

/** Bump when the workload or seeding changes, so old caches are not reused. */
const SEED_VERSION = 2;
const MAX_AGE_MS = 12 * 3_600_000;

interface Stamp {
  version: number;
  events: number;
  createdAt: number;
  seconds: number;
}

export interface Store {
  dir: string;
  seconds: number;
  reused: boolean;
}

const readStamp = (path: string): Stamp | undefined => (existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Stamp) : undefined);

/** The events-only store of `events` events, seeded now unless a fresh one is cached. */
export async function pristineStore(events: number, log: (m: string) => void): Promise<Store> {
  // The store's own schema code is part of the key: a store written under other migrations is reseeded.
  const dir = join(WORK, 'seed', `events-${events}-${hashFiles([join(ROOT, 'src/store/sqlite/migrations.ts')])}`);
  mkdirSync(join(WORK, 'seed'), { recursive: true });
  const stale = (f: string) => (f === `events-${events}` || f.startsWith(`events-${events}-`)) && join(WORK, 'seed', f) !== dir;
  for (const old of readdirSync(join(WORK, 'seed')).filter(stale)) {
    rmSync(join(WORK, 'seed', old), { recursive: true, force: true });
  }
  const stampPath = join(dir, 'stamp.json');
  const stamp = readStamp(stampPath);
  if (stamp && stamp.version === SEED_VERSION && stamp.events === events && Date.now() - stamp.createdAt < MAX_AGE_MS) {
    return { dir, seconds: stamp.seconds, reused: true };
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  log(`seeding ${events.toLocaleString('en-US')} events through the product's ingest and store code`);
  const child = startChild('seed', bunPath(), [join(ROOT, 'bench/seed/seed-store.ts'), '--data-dir', dir, '--events', String(events)]);
  const done = JSON.parse((await child.waitFor(/^\{"seeded"/, Math.max(120_000, events * 2))).input) as { seconds: number };
  await child.exited;
  writeFileSync(stampPath, JSON.stringify({ version: SEED_VERSION, events, createdAt: Date.now(), seconds: done.seconds } satisfies Stamp));
  return { dir, seconds: done.seconds, reused: false };
}

function hashFiles(files: string[]): string {
  const h = createHash('sha1');
  for (const f of files) if (existsSync(f)) h.update(f).update(readFileSync(f));
  return h.digest('hex').slice(0, 12);
}

/** A hash of the dashboard state's schema: a cached state with another schema is not reused. */
export function stateSchemaHash(): string {
  const schema = join(ROOT, 'src/state/schema');
  return hashFiles([join(ROOT, 'src/state/migrations.ts'), ...(existsSync(schema) ? readdirSync(schema).sort().map((f) => join(schema, f)) : [])]);
}

/**
 * The pristine store with its dashboard state built by `build` (which starts Auren on the folder,
 * waits for the state to catch up, stops it, and returns the seconds that took).
 */
export async function stateStore(pristine: Store, events: number, build: (dir: string) => Promise<number>): Promise<Store> {
  const dir = join(pristine.dir, `state-${stateSchemaHash()}`);
  const stampPath = join(dir, 'stamp.json');
  const stamp = readStamp(stampPath);
  if (stamp && pristine.reused && stamp.events === events) return { dir, seconds: stamp.seconds, reused: true };
  for (const old of readdirSync(pristine.dir).filter((f) => f.startsWith('state-'))) rmSync(join(pristine.dir, old), { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(pristine.dir, 'auren.db'), join(dir, 'auren.db'));
  const seconds = await build(dir);
  writeFileSync(stampPath, JSON.stringify({ version: SEED_VERSION, events, createdAt: Date.now(), seconds } satisfies Stamp));
  return { dir, seconds, reused: false };
}

/** Copies a cached store into the run (the cache itself is never served from). */
export function copyStore(from: Store, into: string): { dir: string; seconds: number } {
  mkdirSync(into, { recursive: true });
  const t0 = performance.now();
  // The store, and the dashboard state's own file once a server has built it.
  for (const f of ['auren.db', 'state.db']) if (existsSync(join(from.dir, f))) copyFileSync(join(from.dir, f), join(into, f));
  return { dir: into, seconds: (performance.now() - t0) / 1000 };
}
