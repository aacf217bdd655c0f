/** `auren backup` on a live server (the compiled binary, bun:sqlite) and a restore from the copy. */
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { backupSqlite } from '../../src/cluster/sqlite-backup.js';
import { nodeRuntime } from '../../src/runtime/node/server.js';
import { runAuren, spawnAuren, type Spawned } from '../helpers/binary.js';
import { tempDir } from '../helpers/config.js';
import { postEvents } from '../helpers/ws-client.js';
import { ingestLoop, replayAll } from './cluster-helpers.js';
import { checkScenario, scenarioBatches } from '../state/scenario.js';
import { getter, postAll, settled } from '../state/helpers.js';

const running: Spawned[] = [];
afterAll(async () => {
  await Promise.all(running.map((p) => p.stop()));
});

async function serve(dataDir: string): Promise<Spawned> {
  const p = await spawnAuren('bun-binary', ['serve', '--port', '0', '--data-dir', dataDir, '--archive', 'none'], { AUREN_LOG_LEVEL: 'warn' });
  running.push(p);
  return p;
}

describe('auren backup', () => {
  it('copies the store while ingest runs; a server started on the copy has every event acked before', async () => {
    const dataDir = tempDir('auren-backup-');
    const server = await serve(dataDir);
    const load = ingestLoop(() => [server.url], 'bk', 100);
    await new Promise((r) => setTimeout(r, 500));
    const ackedBefore = new Set(load.record.acked);
    const out = join(tempDir('auren-backup-out-'), 'nested', 'auren-backup.db');
    const r = await runAuren('bun-binary', ['backup', '--data-dir', dataDir, out]);
    const { acked } = await load.stop();
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^backup written: .*auren-backup\.db \(\d+ bytes, \d+ events, schema \d+, \d+ ms\)\n$/);
    expect(acked.size).toBeGreaterThan(ackedBefore.size);

    // A second backup to the same file is refused unless --force.
    const again = await runAuren('bun-binary', ['backup', '--data-dir', dataDir, out]);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/exists; pass --force/);

    const restoreDir = tempDir('auren-restore-');
    cpSync(out, join(restoreDir, 'auren.db'));
    const restored = await serve(restoreDir);
    const ids = new Set((await replayAll(restored.url)).map((e) => e.id));
    for (const id of ackedBefore) expect(ids.has(id)).toBe(true);
    // The restored server takes new events with seqs after the copied ones.
    expect((await postEvents(restored.url, { type: 'agent.step' })).status).toBe(202);
  });

  it('carries the dashboard state (state.db) in the same file: the restored server answers without replaying', async () => {
    const dataDir = tempDir('auren-backup-state-');
    const server = await serve(dataDir);
    await postAll(server.url, scenarioBatches(Date.now()));
    await settled(server.url);
    const out = join(tempDir('auren-backup-state-out-'), 'b.db');
    const r = await runAuren('bun-binary', ['backup', '--data-dir', dataDir, out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    await server.stop();

    // Restored beside a state.db that holds something else: the backup's state replaces it.
    const restoreDir = tempDir('auren-restore-state-');
    const other = await serve(restoreDir);
    expect((await postEvents(other.url, { type: 'llm.call', model: 'gpt-4o', usage: { input_tokens: 1_000_000 } })).status).toBe(202);
    await settled(other.url);
    await other.stop();
    for (const f of ['auren.db-wal', 'auren.db-shm']) rmSync(join(restoreDir, f), { force: true });
    cpSync(out, join(restoreDir, 'auren.db'));
    const restored = await serve(restoreDir);
    await settled(restored.url);
    await checkScenario(getter(restored.url));
    const metrics = await (await fetch(`${restored.url}/metrics`)).text();
    expect(metrics).toMatch(/^auren_dashboard_state_applied_events_total 0$/m);
  });

  it('names the problem when there is no store or the command is misused', async () => {
    const empty = tempDir('auren-nostore-');
    const r = await runAuren('bun-binary', ['backup', '--data-dir', empty, join(empty, 'x.db')]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/no store at .*auren\.db; pass the server's --data-dir/);
    const none = await runAuren('bun-binary', ['backup']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/needs exactly one FILE/);
  });

  it('works on Node (better-sqlite3) the same way', async () => {
    const dataDir = tempDir('auren-backup-node-');
    const server = await serve(dataDir);
    expect((await postEvents(server.url, [{ type: 'agent.step' }, { type: 'agent.error' }])).status).toBe(202);
    const dir = tempDir('auren-backup-node-out-');
    mkdirSync(dir, { recursive: true });
    const res = backupSqlite(nodeRuntime.openSqlite, join(dataDir, 'auren.db'), join(dir, 'b.db'));
    expect(res.events).toBe(2);
    expect(res.schemaVersion).toBeGreaterThan(0);
  });
});
