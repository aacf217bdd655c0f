/** scripts/smoke against real deployments: a healthy node passes; a node whose NATS is gone fails, saying why. */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, spawnAuren, type Spawned } from '../helpers/binary.js';
import { tempDir } from '../helpers/config.js';
import { freePort } from '../helpers/free-port.js';
import { startNode, type Node } from './cluster-helpers.js';
import { PrivateNats } from './nats-helpers.js';

const KEYS = 'smoke-admin-key-0123456789=default:admin,smoke-ingest-key-012345=default:ingest';

function smoke(...args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((res) => {
    execFile(resolve(ROOT, 'scripts/smoke'), args, { timeout: 60_000 }, (err, stdout, stderr) => {
      res({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr });
    });
  });
}

const started: Spawned[] = [];
let nats: PrivateNats | undefined;
afterAll(async () => {
  await Promise.all(started.map((p) => p.stop()));
  await nats?.dispose();
});

describe('scripts/smoke', () => {
  it('passes against a healthy server with an admin key (file archive)', async () => {
    const p = await spawnAuren('bun-binary', ['serve', '--port', '0', '--data-dir', tempDir('auren-smoke-')], { AUREN_API_KEYS: KEYS, AUREN_LOG_LEVEL: 'warn' });
    started.push(p);
    const r = await smoke(p.url, 'smoke-admin-key-0123456789');
    expect(r.out).toMatch(/ok {4}healthz 200/);
    expect(r.out).toMatch(/ok {4}readyz 200/);
    expect(r.out).toMatch(/ok {4}event seen on the live stream \(seq \d+\)/);
    expect(r.out).toMatch(/ok {4}metrics 200/);
    expect(r.code).toBe(0);
    const wrong = await smoke(p.url, 'not-a-key-at-all-000000');
    expect(wrong.code).toBe(1);
    expect(wrong.out).toMatch(/FAIL {2}stream did not open: .*401|FAIL {2}stream did not open/);
  });

  it('fails on a cluster node that lost NATS, naming readiness and the refused post', async () => {
    nats = new PrivateNats(await freePort());
    await nats.start();
    const node: Node = await startNode('bun-binary', nats.url, 'SMOKE');
    started.push(node.p);
    expect((await smoke(node.p.url)).code).toBe(0);
    await nats.kill();
    await new Promise((r) => setTimeout(r, 500));
    const r = await smoke(node.p.url);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/ok {4}healthz 200/);
    expect(r.out).toMatch(/FAIL {2}readyz answered 503: .*event store is not writable/);
    expect(r.out).toMatch(/FAIL {2}POST \/v1\/events answered 503: .*NATS/);
  });
});
