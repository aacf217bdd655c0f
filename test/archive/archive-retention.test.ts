/**
 * --archive-retention: whole hour= partitions older than a tier's window are deleted (folder and
 * bucket alike); other tiers, recent hours and keys that are not ours stay.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createArchiveModule, type ArchiveModule } from '../../src/archive/archive-module.js';
import { sweepArchive } from '../../src/archive/archive-retention.js';
import { FileTarget } from '../../src/archive/file-target.js';
import type { ObjectTarget } from '../../src/archive/object-target.js';
import { S3Target } from '../../src/archive/s3-target.js';
import { tempDir } from '../helpers/config.js';
import { startTestServer } from '../helpers/server.js';
import { postEvents } from '../helpers/ws-client.js';
import { archivedRows } from './helpers/duckdb.js';
import { S3rverProcess } from './helpers/s3rver.js';
import { until } from './helpers/wait.js';

const NOW = Date.UTC(2025, 5, 10, 12, 30);
const clock = { now: () => NOW };
const KEYS = [
  'tier=analytical/dt=2025-06-08/hour=23/0000000000000001-0000000000000009.parquet', // ended 36.5 h ago
  'tier=analytical/dt=2025-06-09/hour=11/0000000000000010-0000000000000019.parquet', // ended exactly 24.5 h ago
  'tier=analytical/dt=2025-06-09/hour=12/0000000000000020-0000000000000029.parquet', // ends 23.5 h ago: kept
  'tier=analytical/dt=2025-06-10/hour=12/0000000000000030-0000000000000039.parquet',
  'tier=analytical/notes.txt',
  'tier=critical/dt=2025-01-01/hour=00/0000000000000001-0000000000000001.parquet',
];

async function keysOf(t: ObjectTarget): Promise<string[]> {
  const out: string[] = [];
  for await (const o of t.list('')) out.push(o.key);
  return out.sort();
}

function sweepSuite(name: string, make: () => Promise<ObjectTarget>) {
  it(`${name}: deletes expired hours of tiers with a window only`, async () => {
    const t = await make();
    for (const k of KEYS) await t.put(k, new Uint8Array([1]));
    const n = await sweepArchive({ target: t, clock, retention: { analytical: 24 * 3_600_000 } });
    expect(n).toBe(2);
    expect(await keysOf(t)).toEqual([KEYS[5], KEYS[2], KEYS[3], KEYS[4]].sort());
    t.close();
  });
}

describe('archive retention sweep', () => {
  let s3: S3rverProcess;
  beforeAll(async () => {
    s3 = await S3rverProcess.start();
    await s3.createBucket('ret');
  });
  afterAll(async () => s3.down());

  sweepSuite('folder', async () => new FileTarget(tempDir('auren-ret-')));
  sweepSuite('bucket', async () =>
    new S3Target({ bucket: 'ret', prefix: 'p', endpoint: s3.endpoint, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }, listPageSize: 2 }),
  );

  it('runs in the server: old partitions go, recent ones stay', async () => {
    const dir = tempDir('auren-ret-');
    const s = await startTestServer({
      config: { archive: `file://${dir}`, archiveFlushMs: 100, archiveRetention: { operational: 2 * 86_400_000 } },
      modules: [createArchiveModule({ retentionIntervalMs: 200 })],
    });
    const m = s.modules[0] as ArchiveModule;
    const old = Date.now() - 5 * 86_400_000;
    await postEvents(s.url, [{ type: 'agent.step', ts: old }, { type: 'agent.step' }, { type: 'memory.formed', ts: old }]);
    await until(() => m.archiver!.archivedSeq() === 3 && m.archiver!.stats.objectsExpired === 1, 20_000, 'old operational hour expired');
    const rows = await archivedRows(dir);
    expect(rows.map((r) => `${r.tier}:${r.seq}`).sort()).toEqual(['analytical:3', 'operational:2']);
    const oldDt = new Date(old).toISOString().slice(0, 10);
    expect(existsSync(join(dir, 'tier=operational', `dt=${oldDt}`))).toBe(false);
    expect(await (await fetch(s.url + '/metrics')).text()).toMatch(/auren_archive_expired_objects_total 1/);
    await s.stop();
    expect(s.errors).toEqual([]);
  });
});
