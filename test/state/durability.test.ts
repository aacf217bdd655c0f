import { describe, expect, it } from 'vitest';
import { TIERS } from '../../src/core/event.js';
import type { SqliteEventLog } from '../../src/store/sqlite/sqlite-event-log.js';
import { tempDir } from '../helpers/config.js';
import { startTestServer } from '../helpers/server.js';
import { dashboardsOf, getter, postAll, settled } from './helpers.js';
import { checkScenario, scenarioBatches, TOTAL_USD } from './scenario.js';

describe('dashboard state survives restarts and retention', () => {
  it('replays events committed while the state was not running, from its watermark', async () => {
    const dataDir = tempDir();
    // First run without the dashboards module: the log has everything, the state nothing.
    const a = await startTestServer({ config: { dataDir }, modules: [] });
    await postAll(a.url, scenarioBatches(Date.now()));
    await a.stop();
    const b = await startTestServer({ config: { dataDir } });
    await settled(b.url);
    await checkScenario(getter(b.url));
    const applied = dashboardsOf(b).state.feed.applied;
    await b.stop();
    // A third start has nothing left to replay, and answers the same.
    const c = await startTestServer({ config: { dataDir } });
    await settled(c.url);
    expect(dashboardsOf(c).state.feed.applied).toBe(0);
    await checkScenario(getter(c.url));
    await c.stop();
    expect(applied).toBe(scenarioBatches(0).flat().length);
    expect([...a.errors, ...b.errors, ...c.errors]).toEqual([]);
  });

  it('keeps cost, reasoning and learning totals after the hot store and the state sweep their detail', async () => {
    let now = Date.now();
    const s = await startTestServer({ clock: { now: () => now } });
    const get = getter(s.url);
    await postAll(s.url, scenarioBatches(now));
    await settled(s.url);
    const before = { cost: await get('/v1/dashboards/cost?window=48h'), reasoning: await get('/v1/dashboards/reasoning?window=48h'), learning: await get('/v1/dashboards/learning?window=48h') };
    expect(before.cost.total_usd).toBeCloseTo(TOTAL_USD, 9);

    // Four days later every tier (critical keeps 72 h) is past retention.
    now += 4 * 24 * 3_600_000;
    const log = s.ctx.log as SqliteEventLog;
    const floor = dashboardsOf(s).retentionFloor!();
    for (const tier of TIERS) while (log.sweep(tier, now - s.config.retention[tier], floor).more);
    expect(log.count()).toBe(0);
    expect(await dashboardsOf(s).retention.sweepOnce()).toBeGreaterThan(0);

    // A window that ends before the events were made sees none of them.
    expect(await get('/v1/dashboards/cost?window=1h')).toMatchObject({ total_usd: 0, calls: 0 });
    expect((await get('/v1/dashboards/learning?window=1h')).memories.formed).toBe(0);
    const after = { cost: await get('/v1/dashboards/cost?window=7d'), reasoning: await get('/v1/dashboards/reasoning?window=7d'), learning: await get('/v1/dashboards/learning?window=7d') };
    for (const k of ['total_usd', 'calls', 'unpriced_calls', 'input_tokens', 'output_tokens', 'cache_read_tokens', 'cache_hit_rate', 'by_model', 'by_agent']) {
      expect(after.cost[k], k).toEqual(before.cost[k]);
    }
    expect(after.cost.handoffs.by_pair).toEqual(before.cost.handoffs.by_pair);
    expect(after.reasoning.totals).toEqual(before.reasoning.totals);
    expect(after.reasoning.handoffs).toEqual(before.reasoning.handoffs);
    expect(after.reasoning.active_chains).toEqual([]);
    expect(after.learning.memories.by_type).toEqual(before.learning.memories.by_type);
    expect(after.learning.hypotheses.by_status).toEqual(before.learning.hypotheses.by_status);
    expect(after.learning.knowledge_graph.nodes).toBe(2);
    // The detail is gone with the events it came from.
    expect((await fetch(s.url + '/v1/dashboards/reasoning/t-main')).status).toBe(404);
    expect(after.learning.hypotheses.recent).toEqual([]);
    await s.stop();
    expect(s.errors).toEqual([]);
  });

  it('holds the store back until the state has applied an event (retention floor = watermark)', async () => {
    const s = await startTestServer();
    await postAll(s.url, scenarioBatches(Date.now()));
    await settled(s.url);
    expect(dashboardsOf(s).retentionFloor!()).toBe(s.ctx.log.lastSeq());
    await s.stop();
  });
});
