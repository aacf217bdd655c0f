/**
 * The dashboard state on its own thread and in its own file (state.db): both products run it there
 * and keep the store free of state tables; a thread that fails hands the state to the event loop
 * without losing or double-counting an event; a store from before state.db moves its state over.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { backupSqlite } from '../../src/cluster/sqlite-backup.js';
import { openSqlite } from '../../src/runtime/node/sqlite.js';
import { MODULE_FACTORIES } from '../../src/server/modules.js';
import { createDashboardsModule, dashboardsModule } from '../../src/state/dashboards-module.js';
import { runAuren, spawnAuren, TARGETS, type Spawned } from '../helpers/binary.js';
import { tempDir } from '../helpers/config.js';
import { startTestServer } from '../helpers/server.js';
import { dashboardsOf, getter, postAll, settled } from './helpers.js';
import { checkScenario, scenarioBatches } from './scenario.js';

async function metric(url: string, name: string): Promise<string | undefined> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return text.match(new RegExp(`^${name} (\\S+)$`, 'm'))?.[1];
}

function storeTables(dataDir: string): string[] {
  const db = new Database(join(dataDir, 'auren.db'), { readonly: true });
  try {
    return db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all().map((r) => (r as { name: string }).name);
  } finally {
    db.close();
  }
}

describe('dashboard state thread', () => {
  const running: Spawned[] = [];
  afterEach(async () => {
    for (const p of running.splice(0)) await p.stop();
  });

  for (const target of TARGETS) {
    it(`runs on its own thread in the ${target} product, with its tables in state.db only`, async () => {
      const dataDir = tempDir();
      const p = await spawnAuren(target, ['serve', '--port', '0', '--data-dir', dataDir, '--archive', 'none']);
      running.push(p);
      await postAll(p.url, scenarioBatches(Date.now()));
      await settled(p.url);
      await checkScenario(getter(p.url));
      expect(await metric(p.url, 'auren_dashboard_state_thread')).toBe('1');
      expect(p.stderr()).not.toMatch(/state thread/);
      await p.stop();
      running.length = 0;
      expect(existsSync(join(dataDir, 'state.db'))).toBe(true);
      const tables = storeTables(dataDir);
      expect(tables).toContain('events');
      expect(tables).not.toContain('chains');
      expect(tables).not.toContain('state_marks');
    });
  }

  it('refuses to start on a damaged state.db, naming the file and what to do', async () => {
    const dataDir = tempDir();
    writeFileSync(join(dataDir, 'state.db'), 'this is not a database, just text that is long enough to be read as a header of one');
    const r = await runAuren('bun-binary', ['serve', '--port', '0', '--data-dir', dataDir, '--archive', 'none']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`cannot open the dashboard state ${join(dataDir, 'state.db')}`);
    expect(r.stderr).toMatch(/moved aside, the state is rebuilt from the events still in the store/);
  });

  it('falls back to the event loop when the thread fails, and the state stays exact', async () => {
    const failing = pathToFileURL(resolve(import.meta.dirname, 'fixtures/failing-state-worker.mjs'));
    const modules = MODULE_FACTORIES.map((f) => (f === dashboardsModule ? createDashboardsModule({ stateEntry: failing }) : f));
    const s = await startTestServer({ modules });
    try {
      await postAll(s.url, scenarioBatches(Date.now()));
      await settled(s.url);
      await checkScenario(getter(s.url));
      expect(await metric(s.url, 'auren_dashboard_state_thread')).toBe('0');
    } finally {
      await s.stop();
    }
    expect(s.errors).toEqual([]);
  });

  it('hands over to the event loop when the thread dies mid-run: every event counted exactly once', async () => {
    const s = await startTestServer();
    try {
      const batches = scenarioBatches(Date.now());
      const half = Math.ceil(batches.length / 2);
      await postAll(s.url, batches.slice(0, half));
      await settled(s.url);
      expect(await metric(s.url, 'auren_dashboard_state_thread')).toBe('1');
      // The thread ends as a crash would end it (the feed keeps its Worker to itself).
      const feed = dashboardsOf(s).state.feed as unknown as { worker: { terminate(): Promise<number> } };
      await feed.worker.terminate();
      await postAll(s.url, batches.slice(half));
      await settled(s.url);
      await checkScenario(getter(s.url));
      expect(await metric(s.url, 'auren_dashboard_state_thread')).toBe('0');
    } finally {
      await s.stop();
    }
    expect(s.errors).toEqual([]);
  });

  it('moves the state tables of a store from before state.db into state.db, without replaying', async () => {
    // The old layout — state tables in auren.db — is also the layout of a backup file.
    const first = tempDir();
    const a = await startTestServer({ config: { dataDir: first } });
    await postAll(a.url, scenarioBatches(Date.now()));
    await settled(a.url);
    await a.stop();
    const dataDir = tempDir();
    backupSqlite(openSqlite, join(first, 'auren.db'), join(dataDir, 'auren.db'), false, join(first, 'state.db'));
    expect(storeTables(dataDir)).toContain('chains');
    expect(existsSync(join(dataDir, 'state.db'))).toBe(false);

    const s = await startTestServer({ config: { dataDir } });
    try {
      await settled(s.url);
      await checkScenario(getter(s.url));
      expect(await metric(s.url, 'auren_dashboard_state_applied_events_total')).toBe('0');
    } finally {
      await s.stop();
    }
    expect(storeTables(dataDir)).not.toContain('chains');
    expect([...a.errors, ...s.errors]).toEqual([]);
  });
});
