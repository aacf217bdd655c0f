/**
 * One dashboard scenario, run on both SQLite drivers: in-process on Node (better-sqlite3) and
 * through the compiled binary (bun:sqlite). `batches` are posted in order; `checkScenario` asserts
 * what the REST endpoints must answer afterwards.
 */
import { expect } from 'vitest';

type Ev = Record<string, unknown>;

export function scenarioBatches(now: number): Ev[][] {
  const ts = (minAgo: number) => new Date(now - minAgo * 60_000).toISOString();
  const main = { trace_id: 't-main', session_id: 's-1' };
  return [
    // The analyst's decision arrives before the handoff that is its parent.
    [{ ...main, ts: ts(1), type: 'agent.decision', agent_id: 'analyst', span_id: 'm7', parent_span_id: 'm3', confidence: 0.5, data: { text: 'ship it' } }],
    [
      // 1M input of which 400k cached + 100k output on gpt-4o: 600k × 2.50 + 400k × 1.25 + 100k × 10 = $3.00.
      { ...main, ts: ts(9), type: 'llm.call', agent_id: 'planner', span_id: 'm1', model: 'gpt-4o', usage: { input_tokens: 1_000_000, cache_read_tokens: 400_000, output_tokens: 100_000 } },
      { ...main, ts: ts(8), type: 'agent.thought', agent_id: 'planner', span_id: 'm2', parent_span_id: 'm1', confidence: 0.9, data: { text: 'need numbers' } },
      { ...main, ts: ts(7), type: 'agent.handoff', agent_id: 'planner', span_id: 'm3', parent_span_id: 'm2', data: { to_agent: 'analyst' } },
      // Provider-prefixed name: 2000 × 2.50 + 1000 × 10 per M = $0.015, the cost of the handoff.
      { ...main, ts: ts(6), type: 'llm.call', agent_id: 'analyst', span_id: 'm4', parent_span_id: 'm3', model: 'openai/gpt-4o', usage: { input_tokens: 2000, output_tokens: 1000 } },
      { ...main, ts: ts(5), type: 'llm.call', agent_id: 'analyst', span_id: 'm5', parent_span_id: 'm3', model: 'private-model-x', usage: { input_tokens: 500, output_tokens: 50 } },
      // A caller-supplied cost wins over the price list.
      { ...main, ts: ts(4), type: 'llm.call', agent_id: 'analyst', span_id: 'm6', parent_span_id: 'm3', model: 'gpt-4o', usage: { input_tokens: 1000 }, cost_usd: 0.42 },
      { ...main, ts: ts(3), type: 'biometric.reading', agent_id: 'planner', data: { metric: 'heart_rate', value: 72, unit: 'bpm' } },
      { ...main, ts: ts(0.5), type: 'agent.completed', agent_id: 'analyst', span_id: 'm8', parent_span_id: 'm7' },
      // Another session: 10k × 0.15 + 1k × 0.60 per M = $0.0021.
      { ts: ts(2), type: 'llm.call', agent_id: 'coach', session_id: 's-2', trace_id: 't-live', span_id: 'c1', model: 'gpt-4o-mini', usage: { input_tokens: 10_000, output_tokens: 1000 } },
      { ts: ts(1), type: 'agent.step', agent_id: 'coach', session_id: 's-2', trace_id: 't-live', span_id: 'c2', parent_span_id: 'c1', confidence: 0.7, data: { text: 'checking in' } },
      // Broken links: a cycle (a ↔ b), a self-parent (c) and an orphan (d).
      { ts: ts(2), type: 'agent.step', agent_id: 'coach', trace_id: 't-cycle', span_id: 'a', parent_span_id: 'b' },
      { ts: ts(2), type: 'agent.step', agent_id: 'coach', trace_id: 't-cycle', span_id: 'b', parent_span_id: 'a' },
      { ts: ts(2), type: 'agent.step', agent_id: 'coach', trace_id: 't-cycle', span_id: 'c', parent_span_id: 'c' },
      { ts: ts(2), type: 'agent.step', agent_id: 'coach', trace_id: 't-cycle', span_id: 'd', parent_span_id: 'nowhere' },
      { ts: ts(2), type: 'tool.failed', agent_id: 'coach', trace_id: 't-cycle', data: { tool: 'search' } },
      // Learning.
      { ts: ts(5), type: 'memory.formed', agent_id: 'planner', data: { memory_type: 'episodic' } },
      { ts: ts(5), type: 'memory.formed', agent_id: 'planner', data: { memory_type: 'episodic' } },
      { ts: ts(5), type: 'memory.formed', agent_id: 'analyst', data: { memory_type: 'semantic' } },
      { ts: ts(4), type: 'memory.recalled', agent_id: 'planner', data: { memory_type: 'episodic' } },
      { ts: ts(5), type: 'hypothesis.created', agent_id: 'analyst', data: { hypothesis_id: 'h1', text: 'cache helps' } },
      { ts: ts(5), type: 'hypothesis.created', agent_id: 'analyst', data: { hypothesis_id: 'h2' } },
      { ts: ts(5), type: 'hypothesis.created', agent_id: 'analyst', data: { hypothesis_id: 'h3' } },
      { ts: ts(3), type: 'hypothesis.validated', agent_id: 'analyst', data: { hypothesis_id: 'h1' } },
      { ts: ts(3), type: 'hypothesis.updated', agent_id: 'analyst', data: { hypothesis_id: 'h2', status: 'rejected' } },
      { ts: ts(3), type: 'hypothesis.updated', agent_id: 'analyst', data: { hypothesis_id: 'h3', status: 'testing', progress: 0.4 } },
      { ts: ts(2), type: 'knowledge.node_added', agent_id: 'analyst', data: { node_type: 'concept' } },
      { ts: ts(2), type: 'knowledge.node_added', agent_id: 'analyst', data: { node_type: 'concept' } },
      { ts: ts(2), type: 'knowledge.edge_added', agent_id: 'analyst', data: { relation: 'cites' } },
    ],
  ];
}

export const TOTAL_USD = 3 + 0.015 + 0.42 + 0.0021;

type Get = (path: string) => Promise<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any

export async function checkScenario(get: Get): Promise<void> {
  const cost = await get('/v1/dashboards/cost?window=24h');
  expect(cost.total_usd).toBeCloseTo(TOTAL_USD, 9);
  expect(cost.calls).toBe(5);
  expect(cost.unpriced_calls).toBe(1);
  expect(cost.cache_hit_rate).toBeCloseTo(400_000 / (1_000_000 + 2000 + 500 + 1000 + 10_000), 5);
  const model = (m: string) => cost.by_model.find((x: { model: string }) => x.model === m);
  expect(model('gpt-4o')).toMatchObject({ calls: 2, input_tokens: 1_001_000, output_tokens: 100_000, cache_read_tokens: 400_000, priced: true });
  expect(model('gpt-4o').cost_usd).toBeCloseTo(3.42, 9);
  expect(model('openai/gpt-4o').cost_usd).toBeCloseTo(0.015, 9);
  expect(model('private-model-x')).toMatchObject({ calls: 1, cost_usd: 0, priced: false, unpriced_calls: 1 });
  expect(cost.by_agent.map((a: { agent_id: string }) => a.agent_id)).toEqual(['planner', 'analyst', 'coach']);
  expect(cost.handoffs.by_pair[0]).toMatchObject({ from_agent: 'planner', to_agent: 'analyst', handoffs: 1, calls: 3 });
  expect(cost.handoffs.by_pair[0].cost_usd).toBeCloseTo(0.435, 9);
  expect(cost.hourly.reduce((s: number, h: { cost_usd: number }) => s + h.cost_usd, 0)).toBeCloseTo(TOTAL_USD, 9);

  const bySession = await get('/v1/dashboards/cost?window=24h&session=s-2');
  expect(bySession.total_usd).toBeCloseTo(0.0021, 9);
  const byAgent = await get('/v1/dashboards/cost?window=1h&agent=analyst&model=gpt-4o');
  expect(byAgent.total_usd).toBeCloseTo(0.42, 9);
  const byModel = await get('/v1/dashboards/cost?model=gpt-4o');
  expect(byModel.by_model.map((m: { model: string }) => m.model)).toEqual(['gpt-4o']);
  expect(byModel.by_agent.map((a: { agent_id: string; cost_usd: number }) => [a.agent_id, a.cost_usd])).toEqual([['planner', 3], ['analyst', 0.42]]);
  expect(byModel.handoffs.ignored_filters).toEqual(['model']);
  const planner = await get('/v1/dashboards/cost?agent=planner');
  expect(planner).toMatchObject({ total_usd: 3, calls: 1, cache_hit_rate: 0.4 });
  expect(planner.by_agent).toHaveLength(1);

  const reasoning = await get('/v1/dashboards/reasoning');
  const active = reasoning.active_chains.map((c: { trace_id: string }) => c.trace_id).sort();
  expect(active).toEqual(['t-cycle', 't-live']);
  const done = reasoning.recent_chains.find((c: { trace_id: string }) => c.trace_id === 't-main');
  expect(done).toMatchObject({ status: 'completed', agents: ['planner', 'analyst'], steps: 9, handoffs: 1, session_id: 's-1', avg_confidence: 0.7 });
  expect(done.biometrics.heart_rate).toMatchObject({ value: 72, unit: 'bpm' });
  expect(reasoning.totals).toMatchObject({ chains: 3, completed: 1, failed: 0, handoffs: 1, errors: 1 });
  expect(reasoning.agents.find((a: { agent_id: string }) => a.agent_id === 'planner').biometrics.heart_rate.value).toBe(72);
  expect(reasoning.handoffs).toEqual([{ from_agent: 'planner', to_agent: 'analyst', count: 1 }]);

  const coach = await get('/v1/dashboards/reasoning?agent=coach');
  expect(coach.active_chains.map((c: { trace_id: string }) => c.trace_id).sort()).toEqual(['t-cycle', 't-live']);
  expect(coach.totals).toMatchObject({ chains: 2, steps: 7, errors: 1, avg_confidence: 0.7 });
  expect(coach.agents.map((a: { agent_id: string }) => a.agent_id)).toEqual(['coach']);
  const session = await get('/v1/dashboards/reasoning?session=s-1');
  expect(session.active_chains).toEqual([]);
  expect(session.recent_chains.map((c: { trace_id: string }) => c.trace_id)).toEqual(['t-main']);
  expect(session.totals).toMatchObject({ chains: 1, completed: 1, steps: 9, handoffs: 1 });
  expect(session.agents.map((a: { agent_id: string; handoffs_in: number }) => [a.agent_id, a.handoffs_in])).toEqual([['analyst', 1], ['planner', 0]]);
  expect(session.handoffs).toEqual([{ from_agent: 'planner', to_agent: 'analyst', count: 1 }]);
  const sessionCost = await get('/v1/dashboards/cost?session=s-1');
  expect(sessionCost.handoffs).toMatchObject({ count: 1, by_pair: [{ from_agent: 'planner', to_agent: 'analyst', handoffs: 1, calls: null }] });
  expect(sessionCost.handoffs.cost_usd).toBeCloseTo(0.435, 9);

  const tree = await get('/v1/dashboards/reasoning/t-main');
  expect(tree).toMatchObject({ total_steps: 9, returned_steps: 9, truncated: false, missing_parents: 0, cycles: 0 });
  const root = tree.steps.find((s: { span_id?: string }) => s.span_id === 'm1');
  const handoff = root.children[0].children[0];
  expect(handoff).toMatchObject({ type: 'agent.handoff', to_agent: 'analyst' });
  // The decision came first, yet hangs under the handoff.
  expect(handoff.children.map((s: { span_id: string }) => s.span_id)).toEqual(['m4', 'm5', 'm6', 'm7']);
  expect(handoff.children[3]).toMatchObject({ text: 'ship it', confidence: 0.5 });
  expect(handoff.children[3].children[0]).toMatchObject({ type: 'agent.completed' });

  const broken = await get('/v1/dashboards/reasoning/t-cycle');
  expect(broken).toMatchObject({ total_steps: 5, returned_steps: 5, missing_parents: 1, cycles: 2 });
  expect(broken.steps).toHaveLength(4);

  const learning = await get('/v1/dashboards/learning');
  expect(learning.memories).toMatchObject({ formed: 3, recalled: 1 });
  expect(learning.memories.by_type).toEqual([
    { memory_type: 'episodic', formed: 2, recalled: 1 },
    { memory_type: 'semantic', formed: 1, recalled: 0 },
  ]);
  expect(learning.hypotheses).toMatchObject({ created: 3, validated: 1, rejected: 1, open: 1, validation_rate: 0.5, by_status: { validated: 1, rejected: 1, testing: 1 } });
  expect(learning.hypotheses.validation_progress).toBeCloseTo(2 / 3, 5);
  expect(learning.knowledge_graph).toMatchObject({ nodes: 2, edges: 1, nodes_added: 2, edges_added: 1 });
  expect(learning.learning_events).toBe(3 + 1 + 3);
  expect(learning.learning_rate_per_hour).toBeGreaterThan(0);
  const plannerLearning = await get('/v1/dashboards/learning?agent=planner');
  expect(plannerLearning.memories).toMatchObject({ formed: 2, recalled: 1 });
  expect(plannerLearning.hypotheses.total).toBe(0);
}
