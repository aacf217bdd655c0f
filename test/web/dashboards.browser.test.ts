import { describe, expect, it } from 'vitest';
import { usd } from '../../src/web/client/lib/format.js';
import { postEvents } from '../helpers/ws-client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { hasChromium, openPage, useBrowserSuite } from './helpers/browser.js';

async function api<T = Record<string, unknown>>(s: TestServer, path: string): Promise<T> {
  const res = await fetch(s.url + path);
  expect(res.status, path).toBe(200);
  return res.json() as Promise<T>;
}

/** Waits until the dashboard state has applied every committed event. */
async function settled(s: TestServer): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const res = await fetch(s.url + '/v1/dashboards/cost');
    if (res.headers.get('x-auren-state-lag') === '0') return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('dashboard state did not catch up');
}

describe.skipIf(!hasChromium)('dashboard panels in Chromium: chains, cost, learning', () => {
  const suite = useBrowserSuite(() => startTestServer());

  it('opens a chain and shows its step tree: nesting, handoffs, confidence, an orphan step', async () => {
    await postEvents(suite.server.url, [
      { type: 'agent.thought', agent_id: 'planner-1', trace_id: 'trace-tree', span_id: 'p1', confidence: 0.9, data: { text: 'plan the week' } },
      { type: 'agent.decision', agent_id: 'planner-1', trace_id: 'trace-tree', span_id: 'p2', parent_span_id: 'p1', confidence: 0.8, data: { text: 'ask the analyst' } },
      { type: 'agent.handoff', agent_id: 'planner-1', trace_id: 'trace-tree', span_id: 'h1', parent_span_id: 'p1', data: { to_agent: 'analyst-1', reason: 'needs data' } },
      { type: 'agent.step', agent_id: 'analyst-1', trace_id: 'trace-tree', span_id: 'a1', parent_span_id: 'h1', confidence: 0.6, data: { text: 'pull the HRV history' } },
      // Its parent never arrives: it must still show, marked.
      { type: 'agent.step', agent_id: 'analyst-1', trace_id: 'trace-tree', span_id: 'x1', parent_span_id: 'lost', data: { text: 'orphaned step' } },
    ]);
    await settled(suite.server);
    const w = await openPage(suite.browser, suite.server.url + '/');
    const { page } = w;
    await page.waitForSelector('#chain-table tr[data-trace="trace-tree"]');
    await page.click('#chain-table tr[data-trace="trace-tree"]');
    await page.waitForSelector('#chain-tree ul.tree[data-trace="trace-tree"]');
    const tree = await page.$eval('#chain-tree ul.tree', (root) => {
      // Each step as "depth type agent text".
      const out: string[] = [];
      const walk = (ul: Element, depth: number) => {
        for (const li of ul.children) {
          const step = li.querySelector(':scope > .step')!;
          out.push(`${depth} ${step.querySelector('.s-type')!.textContent} ${step.querySelector('.s-agent')?.textContent ?? ''} ${step.querySelector('.s-text')!.textContent}`.trim());
          const sub = li.querySelector(':scope > ul');
          if (sub) walk(sub, depth + 1);
        }
      };
      walk(root, 0);
      return out;
    });
    expect(tree).toEqual([
      '0 agent.thought planner-1 plan the week',
      '1 agent.decision planner-1 ask the analyst',
      '1 agent.handoff planner-1 → analyst-1',
      '2 agent.step analyst-1 pull the HRV history',
      '0 agent.step analyst-1 orphaned step',
    ]);
    expect(await page.textContent('#chain-tree .tree-head')).toMatch(/5 steps/);
    expect(await page.textContent('#chain-tree')).toContain('parent not seen');
    expect(await page.textContent('#chain-tree .step[data-span="p1"] .s-conf')).toBe('90%');
    expect(await page.getAttribute('#chain-table tr[data-trace="trace-tree"]', 'class')).toContain('selected');
    // The feed's "Open chain" goes to the same tree.
    await w.shot('dashboard-chain-tree');
    expect(w.errors).toEqual([]);
    await w.close();
  });

  it('shows cost totals equal to the API, and updates them live', async () => {
    const w = await openPage(suite.browser, suite.server.url + '/');
    const { page } = w;
    await page.waitForSelector('#conn[data-state="live"]');
    await postEvents(suite.server.url, [
      { type: 'llm.call', agent_id: 'planner-1', model: 'gpt-4o', usage: { input_tokens: 10_000, cache_read_tokens: 4000, output_tokens: 1200 } },
      { type: 'llm.call', agent_id: 'analyst-1', model: 'claude-3-5-sonnet-20241022', usage: { input_tokens: 20_000, cache_read_tokens: 15_000, output_tokens: 800 } },
      { type: 'llm.call', agent_id: 'coach-1', model: 'in-house-7b', usage: { input_tokens: 500, output_tokens: 50 } },
    ]);
    await settled(suite.server);
    const cost = await api<{ total_usd: number; cache_hit_rate: number; by_model: { model: string; calls: number }[]; unpriced_calls: number }>(suite.server, '/v1/dashboards/cost');
    expect(cost.total_usd).toBeGreaterThan(0);
    // The live frame brings the same totals without a reload.
    await page.waitForFunction((want) => document.querySelector('#cost-kpis .kpi b')?.textContent === want, usd(cost.total_usd));
    const kpis = await page.$$eval('#cost-kpis .kpi', (els) => els.map((e) => [e.querySelector('span')!.textContent, e.querySelector('b')!.textContent]));
    expect(kpis).toContainEqual(['spend (24h)', usd(cost.total_usd)]);
    expect(kpis).toContainEqual(['cache-hit rate', `${Math.round(cost.cache_hit_rate * 100)}%`]);
    expect(kpis).toContainEqual(['unpriced calls', String(cost.unpriced_calls)]);
    const rows = await page.$$eval('#cost-table tbody tr', (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
    expect(rows.map((r) => r[0]!.replace(' unpriced', ''))).toEqual(cost.by_model.map((m) => m.model));
    expect(rows.find((r) => r[0]!.startsWith('in-house-7b'))).toEqual(['in-house-7b unpriced', '1', '500', '0%', '50', '—']);

    // More spend arrives: the page follows without a reload.
    await postEvents(suite.server.url, [{ type: 'llm.call', agent_id: 'coach-1', model: 'gpt-4o', usage: { input_tokens: 50_000, output_tokens: 5000 } }]);
    await settled(suite.server);
    const after = await api<{ total_usd: number }>(suite.server, '/v1/dashboards/cost');
    expect(after.total_usd).toBeGreaterThan(cost.total_usd);
    await page.waitForFunction((want) => document.querySelector('#cost-kpis .kpi b')?.textContent === want, usd(after.total_usd));
    // Charts are drawn by uPlot on canvas.
    expect(await page.$$eval('#cost-panel .uplot canvas', (c) => c.length)).toBe(4);
    await w.shot('dashboard-cost');
    expect(w.errors).toEqual([]);
    await w.close();
  });

  it('shows learning figures equal to the API', async () => {
    await postEvents(suite.server.url, [
      { type: 'memory.formed', agent_id: 'coach-1', data: { memory_type: 'episodic', text: 'likes mornings' } },
      { type: 'memory.formed', agent_id: 'coach-1', data: { memory_type: 'semantic', text: 'HRV drops after late meals' } },
      { type: 'memory.recalled', agent_id: 'analyst-1', data: { memory_type: 'episodic' } },
      { type: 'hypothesis.created', agent_id: 'analyst-1', data: { hypothesis_id: 'h-1', status: 'proposed', text: 'naps help recovery' } },
      { type: 'hypothesis.validated', agent_id: 'coach-1', data: { hypothesis_id: 'h-1', status: 'validated', text: 'naps help recovery' } },
      { type: 'knowledge.node_added', agent_id: 'coach-1', data: { node_id: 'n1', label: 'nap' } },
      { type: 'knowledge.node_added', agent_id: 'coach-1', data: { node_id: 'n2', label: 'recovery' } },
      { type: 'knowledge.edge_added', agent_id: 'coach-1', data: { from: 'n1', to: 'n2', relation: 'supports' } },
    ]);
    await settled(suite.server);
    const l = await api<{ memories: { formed: number; recalled: number }; hypotheses: { validation_rate: number }; knowledge_graph: { nodes: number; edges: number } }>(suite.server, '/v1/dashboards/learning');
    const w = await openPage(suite.browser, suite.server.url + '/');
    const { page } = w;
    const want = [String(l.memories.formed), String(l.memories.recalled), `${Math.round(l.hypotheses.validation_rate * 100)}%`, `${l.knowledge_graph.nodes} / ${l.knowledge_graph.edges}`];
    await page.waitForFunction((w) => {
      const t = [...document.querySelectorAll('#learning-kpis .kpi b')].map((b) => b.textContent);
      return w.every((x) => t.includes(x));
    }, want);
    expect(await page.textContent('#learning-hypotheses-table')).toContain('naps help recovery');
    await w.shot('dashboard-learning');
    expect(w.errors).toEqual([]);
    await w.close();
  });
});
