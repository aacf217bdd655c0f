import { describe, expect, it } from 'vitest';
import { useTestServer } from '../helpers/server.js';
import { postEvents } from '../helpers/ws-client.js';
import { getter, settled, type Json } from './helpers.js';

const N = 100_000;

/** Posts n steps of one trace as NDJSON, 20,000 per request; link(i) gives step i's parent span. */
async function postChain(url: string, trace: string, n: number, link: (i: number) => string | undefined): Promise<void> {
  for (let start = 0; start < n; start += 20_000) {
    const lines: string[] = [];
    for (let i = start; i < Math.min(n, start + 20_000); i++) {
      const p = link(i);
      lines.push(JSON.stringify({ type: 'agent.step', agent_id: `agent-${i % 3}`, trace_id: trace, span_id: `s${i}`, ...(p ? { parent_span_id: p } : {}), confidence: 0.5 }));
    }
    const r = await postEvents(url, lines.reverse().join('\n'));
    expect(r.status).toBe(202);
    expect(r.json.accepted).toBe(lines.length);
  }
}

/** Counts nodes and depth of a returned tree without recursion. */
function measure(steps: Json[]): { nodes: number; depth: number } {
  let nodes = 0;
  let depth = 0;
  const stack: [Json, number][] = steps.map((s) => [s, 1]);
  while (stack.length) {
    const [s, d] = stack.pop()!;
    nodes++;
    depth = Math.max(depth, d);
    for (const c of s.children as Json[]) stack.push([c, d + 1]);
  }
  return { nodes, depth };
}

describe('hostile chains: 100,000 steps deep, and a 100,000-step cycle', () => {
  const s = useTestServer();

  it('serves a 100,000-step chain as a tree 100,000 levels deep, and truncates by limit', async () => {
    // Posted newest-first within each request: every step arrives before its parent.
    await postChain(s.url, 'deep', N, (i) => (i === 0 ? undefined : `s${i - 1}`));
    await settled(s.url);
    const get = getter(s.url);
    const full = await get(`/v1/dashboards/reasoning/deep?limit=${N}`);
    expect(full).toMatchObject({ total_steps: N, returned_steps: N, truncated: false, max_depth: N, roots: 1, missing_parents: 0, cycles: 0 });
    expect(measure(full.steps)).toEqual({ nodes: N, depth: N });
    expect(full.chain).toMatchObject({ steps: N, avg_confidence: 0.5, agents: ['agent-0', 'agent-1', 'agent-2'] });

    const page = await get('/v1/dashboards/reasoning/deep');
    // The first 5,000 arrivals are the deepest steps of the first request: one of them misses its parent.
    expect(page).toMatchObject({ total_steps: N, returned_steps: 5000, truncated: true, max_depth: 5000, roots: 1, missing_parents: 1 });
    expect(page.steps[0].note).toMatch(/raise limit/);

    const list = await get('/v1/dashboards/reasoning');
    expect(list.active_chains[0]).toMatchObject({ trace_id: 'deep', steps: N });
  });

  it('cuts a 100,000-step ring once and returns every step', async () => {
    await postChain(s.url, 'ring', N, (i) => `s${(i + 1) % N}`);
    await settled(s.url);
    const ring = await getter(s.url)(`/v1/dashboards/reasoning/ring?limit=${N}`);
    expect(ring).toMatchObject({ total_steps: N, returned_steps: N, cycles: 1, roots: 1, max_depth: N });
    expect(measure(ring.steps).nodes).toBe(N);
    expect(ring.steps[0]).toMatchObject({ cycle: true, note: 'cycle in parent_span_id, cut here' });
  });
});
