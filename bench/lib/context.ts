/** What every row's suite gets: the options, where to put data, and a way to run a system safely. */
import type { BenchOptions } from './options.js';
import type { Row } from './report.js';
import { LABEL, startSystem, type System, type SystemEnv, type SystemId } from './systems.js';

export interface SuiteContext {
  opts: BenchOptions;
  env: SystemEnv;
  log(msg: string): void;
}

export type Suite = (ctx: SuiteContext) => Promise<Row[]>;

/** Starts a system, runs fn against it, and always stops it afterwards. */
export async function withSystem<T>(ctx: SuiteContext, id: SystemId, fn: (s: System) => Promise<T>, opts: { extra?: string[]; dataDir?: string } = {}): Promise<T> {
  const sys = await startSystem(id, ctx.env, opts);
  try {
    return await fn(sys);
  } finally {
    await sys.stop();
  }
}

/** Systems in the order rows compare them; the first is the one targets apply to. */
export const COMPARED: SystemId[] = ['auren-bun', 'ceiling', 'handwritten', 'auren-node'];

/** Auren flags that let a single stream client take the whole ingest rate (default limits would lag it). */
export const UNLIMITED_CLIENT = ['--client-rate-frames', '1000000', '--client-rate-bytes', '4GiB'];

/**
 * Which same-run figure a system is quoted against: Auren on Bun against the ceiling, every other
 * system against Auren on Bun (the ceiling itself has none).
 */
export function baselineFor(id: SystemId, ceiling: number | null | undefined, aurenBun: number | null | undefined): { label: string; value: number | null } | undefined {
  if (id === 'ceiling') return undefined;
  if (id === 'auren-bun') return { label: LABEL.ceiling, value: ceiling ?? null };
  return { label: LABEL['auren-bun'], value: aurenBun ?? null };
}
