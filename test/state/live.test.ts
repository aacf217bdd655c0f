import { describe, expect, it } from 'vitest';
import { useTestServer } from '../helpers/server.js';
import { connectStream, postEvents } from '../helpers/ws-client.js';
import { dashboardsOf } from './helpers.js';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('live dashboard frames', () => {
  const s = useTestServer();

  it('arrive for watched dashboards at most once a second each, and only when the data changed', async () => {
    const c = await connectStream(s.url, 'dashboards=cost,reasoning,learning&types=nothing.matches');
    const started = Date.now();
    // Ten writes a second for three seconds: far more changes than frames.
    for (let i = 0; i < 30; i++) {
      // Each event distinct, so storm control has no repeats to coalesce (and no storm.* events to add).
      await postEvents(s.url, [
        { type: 'llm.call', agent_id: 'a', trace_id: `t${i % 3}`, model: 'gpt-4o', usage: { input_tokens: 1000 + i, output_tokens: 10 } },
        { type: 'memory.formed', agent_id: 'a', data: { memory_type: 'episodic', memory_id: `m${i}` } },
      ]);
      await wait(100);
    }
    await c.until((f) => f.filter((x) => x.type === 'dashboard' && x.name === 'learning' && (x.data as { memories: { formed: number } }).memories.formed === 30).length === 1, 5000);
    const busy = Date.now() - started;
    const frames = () => c.frames.filter((f) => f.type === 'dashboard');
    for (const name of ['cost', 'reasoning', 'learning']) {
      const n = frames().filter((f) => f.name === name).length;
      expect(n, name).toBeGreaterThanOrEqual(1);
      // One frame per elapsed second at most (slow machines only make fewer).
      expect(n, name).toBeLessThanOrEqual(Math.ceil(busy / 1000) + 1);
    }
    const last = frames().filter((f) => f.name === 'cost').at(-1)!;
    expect(last).toMatchObject({ project: 'default', data: { calls: 30 } });
    expect((last.data as { total_usd: number }).total_usd).toBeCloseTo((30 * 1000 + 435) * 2.5 / 1e6 + 30 * 10 * 10 / 1e6, 12);

    // Quiet: nothing changes, so nothing is sent (the reasoning view is re-rendered, but equal).
    const count = frames().length;
    const applied = dashboardsOf(s).state.feed.applied;
    await wait(3000);
    expect(dashboardsOf(s).state.feed.applied, 'no event arrived meanwhile').toBe(applied);
    expect(frames().length).toBe(count);
    expect(c.frames.filter((f) => f.type === 'events')).toEqual([]);
    c.close();
  });

  it('are not rendered for dashboards nobody watches', async () => {
    const c = await connectStream(s.url, 'dashboards=learning');
    // The previous test's client may still be closing on the server side.
    for (let i = 0; i < 200 && s.ctx.hub.watchedDashboards().some((w) => w.name !== 'learning'); i++) await wait(10);
    await wait(1500); // the first frame for the new watcher (learning) goes out within a tick
    const live = dashboardsOf(s).live;
    const published = live.published;
    const seen = c.frames.length;
    await postEvents(s.url, [{ type: 'llm.call', model: 'gpt-4o', usage: { input_tokens: 5 } }]);
    await wait(2500);
    // Nothing but that one event arrived (no storm or other server events that would touch learning).
    expect(s.ctx.log.lastSeq()).toBe(dashboardsOf(s).state.feed.watermark);
    expect(c.frames.slice(seen).filter((f) => f.type === 'dashboard')).toEqual([]);
    expect(live.published).toBe(published);
    c.close();
  });
});
