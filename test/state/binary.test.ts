/**
 * The same dashboard scenario on bun:sqlite, through the compiled binary (dist/auren, built by
 * `npm run build`), plus crash recovery: the state catches up after kill -9.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runAuren, spawnAuren, type Spawned } from '../helpers/binary.js';
import { tempDir } from '../helpers/config.js';
import { postEvents } from '../helpers/ws-client.js';
import { getter, postAll, settled } from './helpers.js';
import { checkScenario, scenarioBatches } from './scenario.js';

const serve = (dataDir: string, extra: string[] = []) => spawnAuren('bun-binary', ['serve', '--port', '0', '--data-dir', dataDir, '--archive', 'none', ...extra]);

describe('dashboards in the compiled binary (Bun, bun:sqlite)', () => {
  const running: Spawned[] = [];
  afterEach(async () => {
    for (const p of running.splice(0)) await p.stop();
  });

  it('answers the shared scenario exactly', async () => {
    const p = await serve(tempDir());
    running.push(p);
    await postAll(p.url, scenarioBatches(Date.now()));
    await settled(p.url);
    await checkScenario(getter(p.url));
  });

  it('rebuilds the state after kill -9 from the events a 202 made durable', async () => {
    const dataDir = tempDir();
    const p = await serve(dataDir);
    await postAll(p.url, scenarioBatches(Date.now()));
    // Kill right after a large batch: its state update may or may not have committed.
    const lines = Array.from({ length: 5000 }, (_, i) => JSON.stringify({ type: 'llm.call', agent_id: 'burst', trace_id: `b${i % 7}`, model: 'gpt-4o', usage: { input_tokens: 1000, output_tokens: 100 } }));
    const r = await postEvents(p.url, lines.join('\n'));
    expect(r.json.accepted).toBe(5000);
    await p.kill9();

    const q = await serve(dataDir);
    running.push(q);
    await settled(q.url);
    const get = getter(q.url);
    const burst = await get('/v1/dashboards/cost?agent=burst');
    expect(burst.calls).toBe(5000);
    expect(burst.total_usd).toBeCloseTo(5000 * (1000 * 2.5 + 100 * 10) / 1e6, 9);
    expect((await get('/v1/dashboards/reasoning?agent=burst')).totals.steps).toBe(5000);
    // The scenario's own numbers are untouched (nothing applied twice).
    const rest = await get('/v1/dashboards/cost?agent=planner');
    expect(rest.total_usd).toBeCloseTo(3, 9);
  });

  it('prices private models from --prices and refuses a bad price file with a clear message', async () => {
    const dir = tempDir();
    const good = join(dir, 'prices.json');
    writeFileSync(good, JSON.stringify({ models: { 'acme-7b': { input_mtok: 1, output_mtok: 2 } } }));
    const p = await serve(join(dir, 'data'), ['--prices', good]);
    running.push(p);
    await postAll(p.url, [[{ type: 'llm.call', model: 'acme-7b', usage: { input_tokens: 1_000_000, output_tokens: 500_000 } }]]);
    await settled(p.url);
    const cost = await getter(p.url)('/v1/dashboards/cost');
    expect(cost.by_model[0]).toMatchObject({ model: 'acme-7b', cost_usd: 2, priced: true });

    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"models": {"x": {"input_mtok": "free"}}}');
    const r = await runAuren('bun-binary', ['serve', '--port', '0', '--data-dir', join(dir, 'data2'), '--archive', 'none', '--prices', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--prices \/ AUREN_PRICES: ".*bad\.json": models\["x"\]\.input_mtok must be a non-negative number/);
  });
});
