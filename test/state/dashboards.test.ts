import { describe, expect, it } from 'vitest';
import { useTestServer } from '../helpers/server.js';
import { postEvents } from '../helpers/ws-client.js';
import { getter, postAll, settled } from './helpers.js';
import { checkScenario, scenarioBatches } from './scenario.js';

describe('dashboards on Node (better-sqlite3), real HTTP', () => {
  const s = useTestServer();

  it('answers zeros, not errors, before any event', async () => {
    const get = getter(s.url);
    expect(await get('/v1/dashboards/cost')).toMatchObject({ total_usd: 0, calls: 0, cache_hit_rate: null, by_model: [], by_agent: [] });
    expect(await get('/v1/dashboards/reasoning')).toMatchObject({ active_chains: [], active_count: 0, totals: { chains: 0, avg_confidence: null } });
    expect(await get('/v1/dashboards/learning')).toMatchObject({ memories: { formed: 0 }, hypotheses: { validation_rate: null }, learning_rate_per_hour: 0 });
  });

  it('answers the shared scenario exactly', async () => {
    await postAll(s.url, scenarioBatches(Date.now()));
    await settled(s.url);
    await checkScenario(getter(s.url));
  });

  it('rejects bad filters with a 400 that names the parameter', async () => {
    const cases: [string, RegExp][] = [
      ['/v1/dashboards/cost?window=forever', /^window: "forever" is not a duration/],
      ['/v1/dashboards/cost?window=0s', /^window: must be between 1m and 90d/],
      ['/v1/dashboards/cost?window=365d', /^window: must be between 1m and 90d/],
      ['/v1/dashboards/cost?agnet=x', /^unknown parameter "agnet"/],
      [`/v1/dashboards/learning?agent=${'a'.repeat(200)}`, /^agent: at most 128 characters/],
      [`/v1/dashboards/reasoning?session=${'s'.repeat(129)}`, /^session: at most 128 characters/],
      ['/v1/dashboards/reasoning?active_minutes=0', /^active_minutes: must be a whole number/],
      ['/v1/dashboards/reasoning/t-main?limit=abc', /^limit: must be a whole number from 1 to 100000/],
      ['/v1/dashboards/reasoning/t-main?depth=3', /^unknown parameter "depth"/],
    ];
    for (const [path, re] of cases) {
      const res = await fetch(s.url + path);
      expect(res.status, path).toBe(400);
      expect(((await res.json()) as { error: string }).error, path).toMatch(re);
    }
    const missing = await fetch(s.url + '/v1/dashboards/reasoning/no-such-trace');
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: string }).error).toMatch(/no chain with trace_id "no-such-trace"/);
  });

  it('says which filters a dashboard cannot apply instead of silently ignoring them', async () => {
    const get = getter(s.url);
    expect((await get('/v1/dashboards/reasoning?model=gpt-4o')).ignored_filters).toEqual(['model']);
    expect((await get('/v1/dashboards/learning?session=s-1')).ignored_filters).toEqual(['session']);
    expect((await get('/v1/dashboards/cost?model=gpt-4o')).ignored_filters).toBeUndefined();
  });

  it('counts absurd token counts without pricing them or breaking the sums', async () => {
    const huge = Number.MAX_SAFE_INTEGER;
    const events = Array.from({ length: 3 }, () => ({ type: 'llm.call', agent_id: 'absurd', model: 'gpt-4o', usage: { input_tokens: huge, cache_read_tokens: huge, output_tokens: huge } }));
    const r = await postEvents(s.url, events);
    expect(r.status).toBe(202);
    await settled(s.url);
    const cost = await getter(s.url)('/v1/dashboards/cost?agent=absurd');
    expect(cost).toMatchObject({ total_usd: 0, calls: 3, unpriced_calls: 3, cache_hit_rate: 1 });
    expect(cost.input_tokens).toBeCloseTo(3 * huge, -6);
    expect(cost.by_model[0]).toMatchObject({ model: 'gpt-4o', priced: false });
  });

  it('shows models priced nowhere as unpriced, never guessed', async () => {
    await postAll(s.url, [[
      { type: 'llm.call', agent_id: 'guess', model: 'totally-new-model-9000', usage: { input_tokens: 100, output_tokens: 10 } },
      { type: 'llm.call', agent_id: 'guess', usage: { input_tokens: 100 } },
      { type: 'tool.call', agent_id: 'guess', cost_usd: 0.25 },
    ]]);
    await settled(s.url);
    const cost = await getter(s.url)('/v1/dashboards/cost?agent=guess');
    expect(cost.total_usd).toBeCloseTo(0.25, 12);
    expect(cost.by_model).toEqual(expect.arrayContaining([
      expect.objectContaining({ model: 'totally-new-model-9000', priced: false, cost_usd: 0 }),
      expect.objectContaining({ model: null, calls: 2, unpriced_calls: 1, priced: false }),
    ]));
  });
});
