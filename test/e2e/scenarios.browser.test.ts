/**
 * The scenarios users care about, end to end: the simulator drives a real server, a real browser
 * shows the dashboard, and what the page shows is checked against the API.
 */
import { describe, expect, it } from 'vitest';
import { runSimulation } from '../../src/simulate/index.js';
import { count, usd } from '../../src/web/client/lib/format.js';
import { postEvents } from '../helpers/ws-client.js';
import { startTestServer } from '../helpers/server.js';
import { hasChromium, openPage, useBrowserSuite } from '../web/helpers/browser.js';
import { dashboard, settled } from './helpers/dashboards.js';

interface Chain {
  trace_id: string;
  agents: string[];
  steps: number;
  session_id: string | null;
}

describe.skipIf(!hasChromium)('scenarios in Chromium, driven by auren simulate', () => {
  const suite = useBrowserSuite(() => startTestServer());

  it('event → dashboard: a crew\'s work shows up in the feed, cost, reasoning and learning panels, equal to the API', async () => {
    const w = await openPage(suite.browser, suite.server.url + '/');
    const { page } = w;
    await page.waitForSelector('#conn[data-state="live"]');
    const sim = await runSimulation({ url: suite.server.url, agents: 5, rate: 3000, maxEvents: 2000, seed: 101, runId: 'flow' });
    expect(sim.accepted).toBe(2000);
    await settled(suite.server);
    const cost = await dashboard<{ total_usd: number; calls: number; unpriced_calls: number; by_agent: { agent_id: string }[] }>(suite.server, 'cost');
    const learning = await dashboard<{ memories: { formed: number }; hypotheses: { total: number } }>(suite.server, 'learning');
    // Live frames bring the totals (at most one per second per dashboard); no reload.
    await page.waitForFunction((want) => document.querySelector('#cost-kpis .kpi b')?.textContent === want, usd(cost.total_usd), { timeout: 10_000 });
    await page.waitForFunction((want) => document.querySelector('#learning-kpis .kpi b')?.textContent === want, count(learning.memories.formed), { timeout: 10_000 });
    expect(await page.$$eval('#cost-table tbody tr', (r) => r.length)).toBeGreaterThanOrEqual(5);
    expect(await page.textContent('#cost-table')).toContain('unpriced');
    // The feed has the crew's events, newest first.
    await page.waitForFunction(() => /of the last 2,\d{3} events/.test(document.querySelector('#feed-status')!.textContent!));
    expect(await page.$$eval('.feed-row:not([hidden]) .c-agent', (els) => new Set(els.map((e) => e.textContent)).size)).toBeGreaterThanOrEqual(3);
    expect(await page.$$eval('#chain-table tbody tr', (r) => r.length)).toBeGreaterThan(10);
    await w.shot('e2e-event-to-dashboard');
    expect(w.errors).toEqual([]);
    await w.close();
  });

  it('multi-agent collaboration: a chain handed from planner to analyst to coach shows as one tree', async () => {
    await settled(suite.server);
    const r = await dashboard<{ active_chains: Chain[]; recent_chains: Chain[] }>(suite.server, 'reasoning');
    const listed = [...r.active_chains, ...r.recent_chains];
    const chain = listed.find((c) => ['planner', 'analyst', 'coach'].every((role) => c.agents.some((a) => a.startsWith(role))));
    expect(chain, 'a chain that reached the coach').toBeDefined();
    const detail = await dashboard<{ total_steps: number; handoffs: { from_agent: string; to_agent: string }[] }>(suite.server, `reasoning/${chain!.trace_id}`);
    const w = await openPage(suite.browser, suite.server.url + '/');
    const { page } = w;
    await page.waitForSelector(`#chain-table tr[data-trace="${chain!.trace_id}"]`);
    await page.click(`#chain-table tr[data-trace="${chain!.trace_id}"]`);
    await page.waitForSelector(`#chain-tree ul.tree[data-trace="${chain!.trace_id}"]`);
    // Every step of the chain is in the tree, and the handoffs nest each agent under the previous one.
    expect(await page.$$eval('#chain-tree .step', (s) => s.length)).toBe(detail.total_steps);
    const handoffs = await page.$$eval('#chain-tree .step.handoff', (els) =>
      els.map((el) => {
        let depth = 0;
        for (let p = el.parentElement; p && !p.classList.contains('tree'); p = p.parentElement) if (p.tagName === 'UL') depth++;
        return { text: el.querySelector('.s-text')!.textContent!, agent: el.querySelector('.s-agent')!.textContent!, depth };
      }),
    );
    expect(handoffs.map((h) => `${h.agent} ${h.text}`)).toEqual(detail.handoffs.map((h) => `${h.from_agent} → ${h.to_agent}`));
    for (let i = 1; i < handoffs.length; i++) expect(handoffs[i].depth).toBeGreaterThan(handoffs[i - 1].depth);
    const agentsInTree = await page.$$eval('#chain-tree .s-agent', (els) => [...new Set(els.map((e) => e.textContent))]);
    for (const a of chain!.agents) expect(agentsInTree).toContain(a);
    await w.shot('e2e-multi-agent-chain');
    expect(w.errors).toEqual([]);
    await w.close();
  });

  it('biometric context: readings and alerts appear beside the session and agent they name, and in the chain', async () => {
    const w = await openPage(suite.browser, suite.server.url + '/');
    const { page } = w;
    await page.waitForSelector('#conn[data-state="live"]');
    await postEvents(suite.server.url, [
      { type: 'biometric.reading', agent_id: 'coach-7', session_id: 'sess-zoe', data: { metric: 'heart_rate', value: 64, unit: 'bpm' } },
      { type: 'biometric.reading', agent_id: 'coach-7', session_id: 'sess-zoe', data: { metric: 'hrv', value: 48.5, unit: 'ms' } },
      { type: 'biometric.alert', agent_id: 'coach-7', session_id: 'sess-zoe', data: { metric: 'heart_rate', value: 131, unit: 'bpm', message: 'zoe: heart_rate 131 bpm is above 110' } },
      { type: 'agent.thought', agent_id: 'coach-7', session_id: 'sess-zoe', trace_id: 'trace-zoe', span_id: 'z1', data: { text: 'heart rate is high: suggest rest' } },
    ]);
    const card = '#context-list .ctx[data-session="sess-zoe"]';
    await page.waitForFunction((sel) => {
      const t = document.querySelector(sel)?.querySelector('.ctx-readings')?.textContent ?? '';
      return t.includes('hrv 48.5 ms') && t.includes('heart_rate 64 bpm');
    }, card);
    expect(await page.getAttribute(card, 'data-agent')).toBe('coach-7');
    expect(await page.textContent(`${card} .ctx-alert`)).toBe('⚠ zoe: heart_rate 131 bpm is above 110');
    // The alert is critical: red in the feed.
    const alertSeq = suite.server.ctx.log.lastSeq() - 1;
    await page.waitForSelector(`.feed-row.tier-critical[data-seq="${alertSeq}"]`);
    // The chain of that session carries the readings too.
    await page.waitForSelector('#chain-table tr[data-trace="trace-zoe"]');
    await page.click('#chain-table tr[data-trace="trace-zoe"]');
    await page.waitForSelector('#chain-tree .tree-head .bio');
    expect(await page.textContent('#chain-tree .tree-head .bio')).toMatch(/heart_rate 131 bpm|heart_rate 64 bpm/);
    await page.$eval('#context-panel', (el) => el.scrollIntoView({ block: 'end' }));
    await w.shot('e2e-biometric-context');
    expect(w.errors).toEqual([]);
    await w.close();
  });

  it('performance monitoring: the ops panel shows the server\'s rates, clients and latencies while the crew runs', async () => {
    const w = await openPage(suite.browser, suite.server.url + '/');
    const { page } = w;
    await page.waitForSelector('#conn[data-state="live"]');
    const sim = runSimulation({ url: suite.server.url, agents: 6, rate: 800, durationMs: 6000, seed: 7, runId: 'ops' });
    const kpi = (label: string) =>
      page.$$eval('#ops-kpis .kpi', (els, l) => els.find((e) => e.querySelector('span')!.textContent === l)?.querySelector('b')!.textContent ?? null, label);
    await page.waitForFunction(() => {
      const t = [...document.querySelectorAll('#ops-kpis .kpi')].find((e) => e.querySelector('span')!.textContent === 'ingest / s');
      return t && Number(t.querySelector('b')!.textContent!.replace(/k$/, '000')) > 100;
    }, undefined, { timeout: 10_000 });
    expect(Number(await kpi('stream clients'))).toBeGreaterThanOrEqual(1);
    expect(Number(await kpi('delivered / s'))).toBeGreaterThan(0);
    // Latencies come from the server's histograms, per tier where the server splits them.
    const latency = await page.$$eval('#ops-latency tbody tr', (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
    expect(latency.find((r) => r[0] === 'ingest_commit')![3]).not.toBe('—');
    // The rate chart appears once there are two samples to draw a line between.
    await page.waitForSelector('#ops-panel .uplot canvas');
    await page.$eval('#ops-panel', (el) => el.scrollIntoView({ block: 'start' }));
    await w.shot('e2e-ops-panel');
    await sim;
    expect(w.errors).toEqual([]);
    await w.close();
  });
});
