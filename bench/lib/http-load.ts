/**
 * Closed-loop HTTP load from a separate process: wrk (Debian package) with load/post-events.lua,
 * or load/http-blast.ts on Bun where wrk is not installed. Both rotate through the same bodies.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startChild } from './procs.js';
import { bunPath, ROOT } from './systems.js';
import { ndjson, Workload } from './workload.js';

export interface LoadResult {
  loader: string;
  accepted: number;
  other: number;
  seconds: number;
  socketErrors: number;
  p50us: number;
  p99us: number;
}

export interface BodySet {
  dir: string;
  count: number;
  contentType: string;
  eventsPerBody: number;
}

/** Writes `count` distinct bodies of `perBody` events (NDJSON, or one JSON object when perBody is 1). */
export function writeBodies(dir: string, perBody: number, count = 16): BodySet {
  mkdirSync(dir, { recursive: true });
  const work = new Workload({ seed: 11 });
  for (let i = 0; i < count; i++) {
    const events = work.batch(perBody);
    writeFileSync(join(dir, `body-${i}`), perBody === 1 ? JSON.stringify(events[0]) : ndjson(events));
  }
  return { dir, count, contentType: perBody === 1 ? 'application/json' : 'application/x-ndjson', eventsPerBody: perBody };
}

let wrkPresent: boolean | undefined;
export function hasWrk(): boolean {
  wrkPresent ??= spawnSync('wrk', ['--version']).error === undefined;
  return wrkPresent;
}

export async function runLoad(url: string, bodies: BodySet, o: { seconds: number; connections: number; loader: 'wrk' | 'bun' | 'auto' }): Promise<LoadResult> {
  const useWrk = o.loader === 'wrk' || (o.loader === 'auto' && hasWrk());
  const secs = Math.max(1, Math.round(o.seconds));
  const child = useWrk
    ? startChild('wrk', 'wrk', ['-t1', `-c${o.connections}`, `-d${secs}s`, '--timeout', '10s', '-s', join(ROOT, 'bench/load/post-events.lua'), url + '/v1/events'], {
        BENCH_BODY_DIR: bodies.dir, BENCH_BODIES: String(bodies.count), BENCH_CONTENT_TYPE: bodies.contentType,
      })
    : startChild('http-blast', bunPath(), [join(ROOT, 'bench/load/http-blast.ts'), '--url', url + '/v1/events', '--bodies', bodies.dir,
        '--count', String(bodies.count), '--type', bodies.contentType, '--connections', String(o.connections), '--seconds', String(o.seconds)]);
  const line = await child.waitFor(/^\{"wrk"/, (o.seconds + 60) * 1000);
  await child.exited;
  const r = JSON.parse(line.input) as Omit<LoadResult, 'loader'>;
  return { loader: useWrk ? `wrk -t1 -c${o.connections}` : `bun fetch ×${o.connections}`, ...r };
}
