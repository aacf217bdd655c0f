/**
 * The archiver in a real server (in-process, Node runtime, real port) with a local folder target:
 * every accepted event lands once, in the partition of its ts, flushed by time, by size and at stop.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createArchiveModule, type ArchiveModule } from '../../src/archive/archive-module.js';
import { verifyArchive } from '../../src/archive/archive-verify.js';
import { FileTarget } from '../../src/archive/file-target.js';
import { parseKey } from '../../src/archive/key-layout.js';
import { openSqlite } from '../../src/runtime/node/sqlite.js';
import { tempDir } from '../helpers/config.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { postEvents } from '../helpers/ws-client.js';
import { archivedRows } from './helpers/duckdb.js';
import { mixedEvents, partitionOfTs, type PostedEvent } from './helpers/events.js';
import { until } from './helpers/wait.js';

async function archiveServer(dir: string, flushMs: number, tuning = {}): Promise<{ s: TestServer; m: ArchiveModule }> {
  const s = await startTestServer({ config: { archive: `file://${dir}`, archiveFlushMs: flushMs }, modules: [createArchiveModule(tuning)] });
  return { s, m: s.modules[0] as ArchiveModule };
}

async function post(s: TestServer, events: PostedEvent[]): Promise<number> {
  let accepted = 0;
  for (let i = 0; i < events.length; i += 500) {
    const r = await postEvents(s.url, events.slice(i, i + 500));
    expect(r.status).toBe(202);
    accepted += r.json.accepted as number;
  }
  return accepted;
}

function listKeys(dir: string, sub = ''): string[] {
  return readdirSync(join(dir, sub), { withFileTypes: true }).flatMap((d) =>
    d.name === '.incoming' ? [] : d.isDirectory() ? listKeys(dir, join(sub, d.name)) : [join(sub, d.name)],
  );
}

describe('archiver with a file:// target', () => {
  it('archives every accepted event exactly once, partitioned by tier and the UTC hour of ts', async () => {
    const dir = tempDir('auren-archive-');
    const { s, m } = await archiveServer(dir, 200);
    const events = mixedEvents(1200, 'a');
    const accepted = await post(s, events);
    await post(s, events.slice(0, 50)); // duplicates: not stored, not archived again
    await until(() => m.archiver!.backlog() === 0 && m.archiver!.stats.segmentsDone > 0, 20_000, 'archive caught up');
    const rows = await archivedRows(dir);
    expect(rows.length).toBe(accepted);
    expect(new Set(rows.map((r) => r.seq)).size).toBe(accepted);
    expect(new Set(rows.map((r) => r.id)).size).toBe(accepted);
    const byId = new Map(events.map((e) => [e.id, e]));
    for (const r of rows) {
      const want = partitionOfTs(byId.get(r.id)!.ts);
      expect(r.ts_ms).toBe(byId.get(r.id)!.ts);
      expect({ dt: r.dt, hour: Number(r.hour) }).toEqual({ dt: want.dt, hour: Number(want.hour) });
      expect(r.file).toContain(`tier=${r.tier}/`);
    }
    // Late events (49 h old) sit in their own hour, not in the current one.
    expect(new Set(rows.map((r) => `${r.dt}/${r.hour}`)).size).toBeGreaterThanOrEqual(3);
    expect(m.retentionFloor!()).toBe(s.ctx.log.lastSeq());
    expect(readdirSync(join(dir, '.incoming'))).toEqual([]);
    await s.stop();
    expect(s.errors).toEqual([]);
  });

  it('rolls at the row cap, naming each object by its segment range', async () => {
    const dir = tempDir('auren-archive-');
    const { s, m } = await archiveServer(dir, 60_000, { maxRows: 100 });
    await post(s, mixedEvents(350, 'cap', [0]));
    await until(() => m.archiver!.archivedSeq() >= 300, 20_000, 'three full segments');
    const ranges = new Set(listKeys(dir).map((k) => { const p = parseKey(k)!; return `${p.first}-${p.last}`; }));
    expect([...ranges].sort()).toEqual(['1-100', '101-200', '201-300']);
    // The last 50 stay open (flush is 60 s) until the server stops.
    expect(m.archiver!.backlog()).toBe(50);
    await s.stop();
    const rows = await archivedRows(dir);
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 350 }, (_, i) => i + 1));
    expect(s.errors).toEqual([]);
  });

  it('writes and uploads the open file on stop, and holds hot-store retention at the archived seq', async () => {
    const dir = tempDir('auren-archive-');
    const { s, m } = await archiveServer(dir, 3_600_000);
    const accepted = await post(s, mixedEvents(300, 'stop'));
    expect(m.archiver!.backlog()).toBe(accepted);
    expect(m.retentionFloor!()).toBe(0);
    await s.stop();
    expect((await archivedRows(dir)).length).toBe(accepted);
    expect(s.errors).toEqual([]);
  });

  it('two stores sharing one archive never overwrite each other (same seqs, same hour)', async () => {
    const dir = tempDir('auren-archive-');
    const dataDirs: string[] = [];
    for (const name of ['one', 'two']) {
      const { s } = await archiveServer(dir, 3_600_000);
      expect(await post(s, mixedEvents(100, name, [0]))).toBe(100);
      await s.stop();
      dataDirs.push(s.config.dataDir);
    }
    const rows = await archivedRows(dir);
    expect(rows.length).toBe(200);
    expect(new Set(rows.map((r) => r.id)).size).toBe(200);
    expect(new Set(listKeys(dir).map((k) => parseKey(k)!.writer)).size).toBe(2);
    // verify checks each store against its own objects only.
    for (const dataDir of dataDirs) {
      const db = openSqlite(join(dataDir, 'auren.db'));
      const report = await verifyArchive({ target: new FileTarget(dir), db, retention: {}, now: Date.now() });
      db.close();
      expect(report).toMatchObject({ ok: true, stored: 100, rows: 100, duplicateCount: 0, missing: [] });
      expect(report.otherWriters).toBeGreaterThan(0);
    }
  });

  it('with --archive none holds nothing back and writes nothing', async () => {
    const s = await startTestServer({ config: { archive: 'none' }, modules: [createArchiveModule()] });
    const m = s.modules[0] as ArchiveModule;
    expect(m.retentionFloor).toBeUndefined();
    expect(m.run).toBeUndefined();
    expect((await fetch(s.url + '/readyz')).status).toBe(200);
    await s.stop();
  });
});
