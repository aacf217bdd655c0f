/**
 * The servers a run compares: Auren as the compiled Bun binary and as the Node build, and the two
 * baselines. Each is started as its own process on 127.0.0.1 with a fresh data dir.
 */
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { SystemName } from './options.js';
import { startChild, rssOf, type Child } from './procs.js';
import { MEMORY_SETTINGS } from '../../src/runtime/bun/memory-tuning.js';

export const ROOT = resolve(import.meta.dirname, '../..');
export const WORK = join(ROOT, 'bench/.work');

export type SystemId = SystemName;

export const LABEL: Record<SystemId, string> = {
  'auren-bun': 'Auren (Bun binary)',
  'auren-node': 'Auren (Node build)',
  ceiling: 'Bun ceiling (parse+insert+publish)',
  handwritten: 'hand-written Node ws+better-sqlite3',
};

export interface System {
  id: SystemId;
  label: string;
  url: string;
  pid: number;
  dataDir: string;
  child: Child;
  /** Milliseconds from spawn to the "listening" line. */
  startMs: number;
  rss(): { rss: number; peak: number };
  stop(): Promise<void>;
}

export interface SystemEnv {
  /** Folder for this run's data dirs. */
  runDir: string;
  /** Directory for CPU profiles: Auren then runs from source under `bun --cpu-prof`. */
  cpuProf?: string;
}

export function bunPath(): string {
  if (process.versions.bun) return process.execPath;
  return join(ROOT, 'node_modules/.bin/bun');
}

export function nodePath(): string {
  return process.versions.bun ? 'node' : process.execPath;
}

/** Where a run keeps its copy of the Node bundle: outside lint's reach, still resolving node_modules. */
export function nodeSnapshotDir(env: SystemEnv): string {
  return join(ROOT, 'node_modules/.cache/auren-bench', basename(env.runDir));
}

/**
 * Copies the built product once per run, so the whole run measures one build and a rebuild meanwhile
 * (another `npm run build`) neither changes it nor fails on a busy executable.
 */
export function snapshot(env: SystemEnv): { bin: string; nodeJs: string } {
  const bin = join(env.runDir, 'auren');
  const nodeJs = join(nodeSnapshotDir(env), 'main.node.js');
  if (!existsSync(bin) || !existsSync(nodeJs)) {
    for (const f of ['dist/auren', 'dist/node/main.node.js']) {
      if (!existsSync(join(ROOT, f))) throw new Error(`${f} is missing: run npm run build first`);
    }
    mkdirSync(env.runDir, { recursive: true });
    mkdirSync(nodeSnapshotDir(env), { recursive: true });
    copyFileSync(join(ROOT, 'dist/auren'), bin);
    chmodSync(bin, 0o755);
    copyFileSync(join(ROOT, 'dist/node/main.node.js'), nodeJs);
  }
  return { bin, nodeJs };
}

function command(id: SystemId, env: SystemEnv, dataDir: string, extra: string[]): [string, string[], Record<string, string>?] {
  const archive = extra.includes('--archive') ? [] : ['--archive', 'none'];
  // Every bench client connects from 127.0.0.1, so the per-address stream cap is lifted.
  const serve = ['serve', '--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir, ...archive, '--log-level', 'warn', '--max-clients-per-address', '100000', ...extra];
  switch (id) {
    case 'auren-bun': {
      if (env.cpuProf) {
        mkdirSync(env.cpuProf, { recursive: true });
        // Started with its memory settings, as the Docker image does: the profiler's sampling signal
        // (SIGPWR) can arrive as `auren serve` re-executes itself, and kill the new image before Bun
        // handles it (1 start in ~20 here).
        return [bunPath(), ['--cpu-prof', '--cpu-prof-md', `--cpu-prof-dir=${env.cpuProf}`, join(ROOT, 'src/main.bun.ts'), ...serve], { ...MEMORY_SETTINGS }];
      }
      return [snapshot(env).bin, serve];
    }
    case 'auren-node':
      return [nodePath(), [snapshot(env).nodeJs, ...serve]];
    case 'ceiling':
      return [bunPath(), [join(ROOT, 'bench/baselines/bun-ceiling.ts'), '--port', '0', '--data-dir', dataDir]];
    case 'handwritten':
      return [nodePath(), [join(ROOT, 'bench/baselines/node-ws-sqlite.mjs'), '--port', '0', '--data-dir', dataDir]];
  }
}

export interface StartOptions {
  /** Flags for `auren serve` (ignored by the baselines). */
  extra?: string[];
  /** Use this data dir instead of a fresh one. */
  dataDir?: string;
  startTimeoutMs?: number;
}

/** Starts a system and waits for its "listening on" line. `extra` flags go to `auren serve` only. */
export async function startSystem(id: SystemId, env: SystemEnv, opts: StartOptions = {}): Promise<System> {
  mkdirSync(env.runDir, { recursive: true });
  const dataDir = opts.dataDir ?? mkdtempSync(join(env.runDir, `${id}-`));
  const [cmd, args, childEnv] = command(id, env, dataDir, id.startsWith('auren') ? (opts.extra ?? []) : []);
  const started = performance.now();
  const child = startChild(id, cmd, args, childEnv);
  const m = await child.waitFor(/listening on (http:\/\/\S+)/, opts.startTimeoutMs ?? 120_000);
  const startMs = performance.now() - started;
  return {
    id,
    label: LABEL[id],
    url: m[1],
    pid: child.pid,
    dataDir,
    child,
    startMs,
    rss: () => rssOf(child.pid),
    async stop() {
      await child.stop(15_000);
    },
  };
}

/**
 * Reads a counter or gauge from Auren's /metrics, summing the label sets that contain `labels`
 * (e.g. 'reason="slow_consumer"'); undefined when absent.
 */
export async function metric(url: string, name: string, labels = ''): Promise<number | undefined> {
  const text = await (await fetch(url + '/metrics')).text();
  let sum: number | undefined;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== ' ' && rest[0] !== '{') continue;
    if (labels && !rest.includes(labels)) continue;
    sum = (sum ?? 0) + Number(line.split(' ').at(-1));
  }
  return sum;
}
