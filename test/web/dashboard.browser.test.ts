import { describe, expect, it } from 'vitest';
import { postEvents } from '../helpers/ws-client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { hasChromium, openPage, useBrowserSuite } from './helpers/browser.js';

/** The seq of the last accepted event, read from the store. */
const lastSeq = (s: TestServer) => s.ctx.log.lastSeq();

describe.skipIf(!hasChromium)('dashboard page in Chromium: live feed', () => {
  const suite = useBrowserSuite(() => startTestServer());

  it('connects and shows posted events live: time, tier colour, type, agent, summary', async () => {
    const w = await openPage(suite.browser, suite.server.url + '/');
    const { page } = w;
    await page.waitForSelector('#conn[data-state="live"]');
    expect(await page.textContent('#feed-empty')).toContain('Waiting for events');
    const r = await postEvents(suite.server.url, [
      { type: 'agent.thought', agent_id: 'planner-1', trace_id: 't-live', span_id: 's1', data: { text: 'split the goal into three steps' } },
      { type: 'llm.call', agent_id: 'analyst-1', model: 'gpt-4o', usage: { input_tokens: 2000, cache_read_tokens: 1000, output_tokens: 300 } },
      { type: 'tool.failed', agent_id: 'analyst-1', data: { tool: 'db.query', error: 'database is locked' } },
      { type: 'memory.formed', agent_id: 'coach-1', data: { memory_type: 'episodic', text: 'ada prefers mornings' } },
      { type: 'biometric.reading', agent_id: 'coach-1', session_id: 'sess-ada', data: { metric: 'heart_rate', value: 72, unit: 'bpm' } },
    ]);
    expect(r.json.accepted).toBe(5);
    const last = lastSeq(suite.server);
    // Analytical events come in half-second batches: wait for all five.
    for (let seq = last - 4; seq <= last; seq++) await page.waitForSelector(`.feed-row[data-seq="${seq}"]`);
    // Shown in the log's order (newest on top), whatever order the tiers delivered them in.
    expect(await page.$$eval('.feed-row:not([hidden])', (els) => els.sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top).map((e) => Number((e as HTMLElement).dataset.seq)))).toEqual([last, last - 1, last - 2, last - 3, last - 4]);
    const row = async (seq: number) =>
      page.$eval(`.feed-row[data-seq="${seq}"]`, (el) => ({
        cls: el.className,
        time: el.querySelector('.c-time')!.textContent,
        tier: el.querySelector('.c-tier')!.textContent,
        type: el.querySelector('.c-type')!.textContent,
        agent: el.querySelector('.c-agent')!.textContent,
        summary: el.querySelector('.c-summary')!.textContent,
        border: getComputedStyle(el).borderLeftColor,
      }));
    const thought = await row(last - 4);
    expect(thought).toMatchObject({ tier: 'operational', type: 'agent.thought', agent: 'planner-1', summary: 'split the goal into three steps' });
    expect(thought.time).toMatch(/^\d\d:\d\d:\d\d\.\d{3}$/);
    const failed = await row(last - 2);
    expect(failed).toMatchObject({ tier: 'critical', type: 'tool.failed', summary: 'db.query · database is locked' });
    expect(failed.cls).toContain('tier-critical');
    // Tiers are told apart by colour too, not only by the word.
    expect(failed.border).not.toBe(thought.border);
    expect((await row(last - 3)).summary).toMatch(/^gpt-4o · 2000 in \(1000 cached\) → 300 out · \$0\.00\d+$/);
    expect((await row(last - 1)).tier).toBe('analytical');
    expect((await row(last)).summary).toBe('heart_rate = 72 bpm');
    expect(await page.isHidden('#feed-empty')).toBe(true);
    // The context panel places the reading beside the agent it names.
    await page.waitForFunction(() => document.querySelector('#context-list .ctx[data-session="sess-ada"]')?.textContent!.includes('heart_rate 72 bpm'));
    await w.shot('dashboard-live-feed');
    expect(w.errors).toEqual([]);
    await w.close();
  });

  it('shows a storm of identical events as one row with a ×N badge', async () => {
    const w = await openPage(suite.browser, suite.server.url + '/');
    const { page } = w;
    await page.waitForSelector('#conn[data-state="live"]');
    const same = { type: 'tool.call', agent_id: 'looping-agent', data: { tool: 'web.search', query: 'same query again' } };
    expect((await postEvents(suite.server.url, Array.from({ length: 40 }, () => same))).json.accepted).toBe(40);
    // The first is streamed at once; the other 39 are held and summarized when the window ends.
    await page.waitForSelector('.feed-row .c-badge:not([hidden])', { timeout: 10_000 });
    const badge = await page.$eval('.feed-row .c-badge:not([hidden])', (b) => ({ text: b.textContent, title: (b as HTMLElement).title, type: b.parentElement!.querySelector('.c-type')!.textContent }));
    expect(badge).toMatchObject({ text: '×39', type: 'tool.call' });
    expect(badge.title).toMatch(/^39 repeats of this event held back during a storm/);
    // The first event and the summary; storm control also announces the storm (storm.started).
    const rows = await page.$$eval('.feed-row:not([hidden])', (els) => els.filter((e) => e.querySelector('.c-agent')!.textContent === 'looping-agent').map((e) => e.querySelector('.c-type')!.textContent));
    expect(rows.filter((t) => t === 'tool.call')).toHaveLength(2);
    expect(rows).toContain('storm.started');
    await w.shot('dashboard-storm-badge');
    expect(w.errors).toEqual([]);
    await w.close();
  });

  it('filters by tier, type glob and text, and shows the clicked event as JSON', async () => {
    const w = await openPage(suite.browser, suite.server.url + '/');
    const { page } = w;
    await page.waitForSelector('#conn[data-state="live"]');
    await postEvents(suite.server.url, [
      { type: 'agent.error', agent_id: 'coach-1', data: { message: 'coach gave up: no plan fits' } },
      { type: 'tool.call', agent_id: 'analyst-1', data: { tool: 'web.search', query: 'deload weeks' } },
      { type: 'hypothesis.created', agent_id: 'analyst-1', data: { hypothesis_id: 'h-9', status: 'proposed', text: 'naps help' } },
    ]);
    const last = lastSeq(suite.server);
    await page.waitForSelector(`.feed-row[data-seq="${last}"]`);
    const visibleTypes = () => page.$$eval('.feed-row:not([hidden]) .c-type', (els) => els.map((e) => e.textContent));

    await page.click('button.tier-toggle[data-tier="operational"]');
    await page.click('button.tier-toggle[data-tier="analytical"]');
    await page.waitForFunction(() => [...document.querySelectorAll('.feed-row:not([hidden])')].every((r) => r.classList.contains('tier-critical')));
    expect(await visibleTypes()).toContain('agent.error');
    expect(await page.getAttribute('button.tier-toggle[data-tier="operational"]', 'aria-pressed')).toBe('false');

    await page.click('button.tier-toggle[data-tier="operational"]');
    await page.click('button.tier-toggle[data-tier="analytical"]');
    await page.fill('#filter-types', 'tool.*, hypothesis.*');
    await page.waitForFunction(() => [...document.querySelectorAll('.feed-row:not([hidden]) .c-type')].every((e) => /^(tool|hypothesis)\./.test(e.textContent!)));
    const types = new Set(await visibleTypes());
    expect(types).toContain('tool.call');
    expect(types).toContain('hypothesis.created');

    await page.fill('#filter-text', 'naps');
    await page.waitForFunction(() => document.querySelectorAll('.feed-row:not([hidden])').length === 1);
    await page.click(`.feed-row[data-seq="${last}"]`);
    await page.waitForSelector('#event-detail:not([hidden])');
    const detail = JSON.parse((await page.textContent('#detail-json'))!);
    expect(detail).toMatchObject({ seq: last, type: 'hypothesis.created', data: { hypothesis_id: 'h-9' } });
    await w.shot('dashboard-filtered');
    expect(w.errors).toEqual([]);
    await w.close();
  });

  it('keeps a capped, virtualized feed through a burst of 15,000 events', async () => {
    const w = await openPage(suite.browser, suite.server.url + '/');
    const { page } = w;
    await page.waitForSelector('#conn[data-state="live"]');
    for (let b = 0; b < 15; b++) {
      const lines = Array.from({ length: 1000 }, (_, i) => JSON.stringify({ type: 'agent.step', agent_id: `a-${i % 7}`, data: { text: `burst ${b}-${i}` } }));
      expect((await postEvents(suite.server.url, lines.join('\n'))).json.accepted).toBe(1000);
    }
    const last = lastSeq(suite.server);
    await page.waitForSelector(`.feed-row[data-seq="${last}"]`, { timeout: 20_000 });
    const rows = await page.$$eval('.feed-row', (els) => els.length);
    // Only what fits the viewport (plus overscan) exists in the DOM.
    expect(rows).toBeLessThan(80);
    await page.waitForFunction(() => /of the last 1[01],\d{3} events \(cap 10,000\)/.test(document.querySelector('#feed-status')!.textContent!));
    // Scrolling down keeps the reader's place and counts what arrives above.
    await page.$eval('#feed', (el) => (el.scrollTop = 2400));
    await postEvents(suite.server.url, [{ type: 'agent.step', data: { text: 'after scroll' } }]);
    await page.waitForSelector('#feed-pill:not([hidden])');
    expect(await page.textContent('#feed-pill')).toBe('↑ 1 new');
    await page.click('#feed-pill');
    await page.waitForSelector(`.feed-row[data-seq="${last + 1}"]`);
    await w.shot('dashboard-burst');
    expect(w.errors).toEqual([]);
    await w.close();
  });
});
