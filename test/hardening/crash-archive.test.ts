/**
 * kill -9 at random moments during heavy ingest with the Parquet archive on (file://, flushed every
 * 300 ms so crashes land mid-write): after the last restart and a graceful stop, every acknowledged
 * event is in the archive exactly once, read back by DuckDB. Rounds: AUREN_CRASH_ROUNDS (default 3).
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/config.js';
import { duckQuery } from '../archive/helpers/duckdb.js';
import { IngestLoad } from './support/ingest-load.js';
import { startProduct, type Product } from './support/product.js';
import { replayAll } from './support/replay.js';

const ROUNDS = Number(process.env.AUREN_CRASH_ROUNDS ?? 3);

describe('kill -9 with the archive on (bun-binary)', () => {
  const procs: Product[] = [];
  afterAll(async () => {
    for (const p of procs) await p.kill9();
  });

  it(`archives every acknowledged event exactly once across ${ROUNDS} crashes`, async () => {
    const dataDir = tempDir('auren-hard-arch-');
    const archive = join(dataDir, 'archive');
    const args = ['--archive', `file://${archive}`, '--archive-flush', '300ms'];
    const acked = new Set<string>();
    for (let round = 0; round < ROUNDS; round++) {
      const p = await startProduct('bun-binary', { dataDir, args });
      procs.push(p);
      const load = new IngestLoad({ url: p.url, prefix: `a${round}`, workers: 3, batch: 200 }).start();
      await new Promise((r) => setTimeout(r, 700 + Math.random() * 1500));
      await p.kill9();
      for (const id of (await load.stop()).acked) acked.add(id);
    }
    const last = await startProduct('bun-binary', { dataDir, args });
    procs.push(last);
    const stored = new Set((await replayAll(last.url)).events.map((e) => e.id as string));
    expect(await last.stop()).toBe(0);

    const rows = await duckQuery(`SELECT id, count(*)::INTEGER AS n FROM read_parquet('${archive}/**/*.parquet', hive_partitioning = true) GROUP BY id`);
    const archived = new Map(rows.map((r) => [r.id as string, r.n as number]));
    expect([...archived].filter(([, n]) => n !== 1).slice(0, 5), 'archived more than once').toEqual([]);
    expect([...acked].filter((id) => !archived.has(id)).slice(0, 5), 'acknowledged but not archived').toEqual([]);
    expect([...stored].filter((id) => !archived.has(id)).length, 'stored but not archived').toBe(0);
    expect(archived.size).toBe(stored.size);
    expect(acked.size).toBeGreaterThan(0);
  }, 240_000);
});
