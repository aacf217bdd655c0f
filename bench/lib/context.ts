/** What every row's suite gets: the options, where to put data, and a way to run a system safely. */
import type { BenchOptions } from './options.js';
import type { Row } from './report.js';
import { LABEL, startSystem, type StartOptions, type System, type SystemEnv, type SystemId } from './systems.js';

export interface SuiteContext {
  opts: BenchOptions;
  env: SystemEnv;
  log(msg: string): void;
}

export type Suite = (ctx: SuiteContext) => Promise<Row[]>;

/** Starts a system, runs fn against it, and always stops it afterwards. */
export async function withSystem<T>(ctx: SuiteContext, id: SystemId, fn: (s: System) => Promise<T>, opts: StartOptions = {}): Promise<T> {
  const sys = await startSystem(id, ctx.env, opts);
  try {
    return await fn(sys);
  } finally {
    await sys.stop();
  }
}

/**
 * Auren flags that let one stream client take the whole ingest rate: the default per-client limits
 * (2,000 frames/s, 16 MiB/s, 1 MiB buffer) would rightly lag a client that must see 100k+ events/s.
 */
export const UNLIMITED_CLIENT = ['--client-rate-frames', '1000000', '--client-rate-bytes', '4GiB', '--client-buffer', '64MiB'];

/**
 * Which same-run figure a system is quoted against: Auren on Bun against the ceiling, every other
 * system against Auren on Bun (the ceiling itself has none). Missing systems give no baseline value.
 */
export function baselineFor<T>(id: SystemId, got: Map<SystemId, T>, pick: (t: T) => number | null | undefined): { label: string; value: number | null } | undefined {
  const value = (s: SystemId) => {
    const t = got.get(s);
    return t === undefined ? null : (pick(t) ?? null);
  };
  if (id === 'ceiling') return undefined;
  if (id === 'auren-bun') return got.has('ceiling') ? { label: LABEL.ceiling, value: value('ceiling') } : undefined;
  return { label: LABEL['auren-bun'], value: value('auren-bun') };
}
