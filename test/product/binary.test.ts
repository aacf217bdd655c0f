/**
 * The built product on real ports: the compiled Bun binary and the Node build run the same suite.
 * `npm test` builds both before running tests.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MEMORY_SETTINGS } from '../../src/runtime/bun/memory-tuning.js';
import { runAuren, spawnAuren, TARGETS } from '../helpers/binary.js';
import { tempDir } from '../helpers/config.js';
import { connectSse } from '../helpers/sse-client.js';
import { connectStream, postEvents } from '../helpers/ws-client.js';

describe.each(TARGETS)('auren (%s)', (target) => {
  it('prints its version and help', async () => {
    const v = await runAuren(target, ['--version']);
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/^auren \d+\.\d+\.\d+/);
    const h = await runAuren(target, ['--help']);
    expect(h.stdout).toMatch(/serve/);
    const sh = await runAuren(target, ['serve', '--help']);
    expect(sh.code).toBe(0);
    for (const flag of ['--host', '--port', '--data-dir', '--archive', '--s3-endpoint', '--archive-flush', '--archive-retention', '--api-keys', '--cluster', '--cluster-stream']) {
      expect(sh.stdout).toContain(flag);
    }
    expect(sh.stdout).toContain('AUREN_PORT');
  });

  it('fails on bad config with a message naming the flag or env var, and prints the resolved config', async () => {
    const a = await runAuren(target, ['serve', '--port', 'abc']);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/--port.*AUREN_PORT|--port \/ AUREN_PORT/);
    const b = await runAuren(target, ['serve'], { AUREN_ARCHIVE_FLUSH: 'soon' });
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/AUREN_ARCHIVE_FLUSH.*duration/);
    const c = await runAuren(target, ['serve', '--bogus']);
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/unknown flag --bogus/);
    const d = await runAuren(target, ['serve', '--print-config', '--port', '9999'], { AUREN_PORT: '1111', AUREN_HOST: '127.0.0.2' });
    expect(d.code).toBe(0);
    const cfg = JSON.parse(d.stdout);
    expect(cfg.port).toBe(9999);
    expect(cfg.host).toBe('127.0.0.2');
  });

  it('refuses a non-loopback host without keys unless --insecure', async () => {
    const r = await runAuren(target, ['serve', '--host', '0.0.0.0', '--port', '0', '--data-dir', tempDir(), '--archive', 'none']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/--api-keys.*--insecure/);
  });

  it('serves ingest, WebSocket, SSE, health and metrics, and shuts down gracefully on SIGTERM', async () => {
    const dataDir = tempDir();
    const srv = await spawnAuren(target, ['serve', '--port', '0', '--data-dir', dataDir, '--archive', 'none']);
    expect(srv.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(srv.url + '/healthz')).status).toBe(200);
    expect((await fetch(srv.url + '/readyz')).status).toBe(200);
    const ws = await connectStream(srv.url);
    const sse = await connectSse(srv.url);
    const r = await postEvents(srv.url, [{ type: 'llm.call', model: 'gpt-4o', id: 'b1' }, { type: 'agent.error', id: 'b2' }]);
    expect(r).toMatchObject({ status: 202, json: { accepted: 2 } });
    await ws.until(() => ws.events().length === 2);
    await sse.until(() => sse.events().length === 2);
    const metrics = await (await fetch(srv.url + '/metrics')).text();
    expect(metrics).toMatch(/auren_events_ingested_total\{tier="critical"\} 1/);
    expect(metrics).toMatch(/auren_stream_clients\{transport="ws"\} 1/);
    // Heap totals, but not the per-space figures that Bun computes by walking the heap on each scrape.
    expect(metrics).toMatch(/^auren_process_nodejs_heap_size_used_bytes \d+/m);
    expect(metrics).not.toContain('heap_space');

    // An operational event still in its 100 ms batch when SIGTERM arrives is flushed before the close.
    await postEvents(srv.url, { type: 'agent.step', id: 'last-one' });
    const code = await srv.stop();
    expect(code).toBe(0);
    expect(ws.events().map((e) => e.id)).toContain('last-one');
    expect((await ws.closed).code).toBe(1001);
    sse.close();
  });

  it('keeps every acknowledged event across kill -9, continues seq, and still deduplicates', async () => {
    const dataDir = tempDir();
    const args = ['serve', '--port', '0', '--data-dir', dataDir, '--archive', 'none'];
    const a = await spawnAuren(target, args);
    const acked: string[] = [];
    for (let i = 0; i < 20; i++) {
      const batch = Array.from({ length: 50 }, (_, j) => ({ type: 'crash.step', id: `k-${i}-${j}`, data: { i, j } }));
      const r = await postEvents(a.url, batch);
      if (r.status === 202) acked.push(...batch.map((e) => e.id));
    }
    await a.kill9();
    const b = await spawnAuren(target, args);
    const again = await postEvents(b.url, [{ type: 'crash.step', id: 'k-0-0' }, { type: 'crash.step', id: 'after' }]);
    expect(again.json).toMatchObject({ accepted: 1, duplicates: 1 });
    const c = await connectStream(b.url, 'since=0');
    await c.until((f) => f.some((x) => x.type === 'replay_done'), 10_000);
    const events = c.events();
    const ids = events.map((e) => e.id);
    for (const id of acked) expect(ids).toContain(id);
    expect(ids.filter((id) => id === 'k-0-0')).toHaveLength(1);
    const after = events.find((e) => e.id === 'after')!;
    expect(after.seq).toBe(acked.length + 1);
    c.close();
    await b.stop();
  });
});

describe('auren serve (bun-binary) memory settings', () => {
  const envOf = (pid: number) => new Map(readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));

  it.runIf(process.platform === 'linux')('starts again in the same process with it set, and keeps a value the operator set', async () => {
    const args = ['serve', '--port', '0', '--data-dir', tempDir(), '--archive', 'none'];
    const tuned = await spawnAuren('bun-binary', args);
    // The process the test spawned is the one serving: re-executed in place, not a child.
    const env = envOf(tuned.proc.pid!);
    for (const [name, value] of Object.entries(MEMORY_SETTINGS)) expect(env.get(name)).toBe(value);
    expect((await postEvents(tuned.url, [{ type: 'agent.step' }])).status).toBe(202);
    expect(await tuned.stop()).toBe(0);

    const chosen = await spawnAuren('bun-binary', args, { BUN_JSC_useWarmUpMarkedBlocks: '1' });
    expect(envOf(chosen.proc.pid!).get('BUN_JSC_useWarmUpMarkedBlocks')).toBe('1');
    expect(await chosen.stop()).toBe(0);
  });
});
