import { describe, expect, it } from 'vitest';
import { costView } from '../../src/web/client/lib/cost-model.js';
import { summarize } from '../../src/web/client/lib/event-summary.js';
import { learningView } from '../../src/web/client/lib/learning-model.js';
import { chainList, stepTree } from '../../src/web/client/lib/reasoning-model.js';
import type { WireEvent } from '../../src/web/client/lib/types.js';

const base: WireEvent = { seq: 1, id: 'a', ts: '2025-01-01T00:00:00Z', tier: 'operational', type: 'x' };

describe('feed summaries', () => {
  it('prefers data.message / data.text, one line, clipped', () => {
    expect(summarize({ ...base, data: { message: 'disk\nfull', text: 'no' } })).toBe('disk full');
    expect(summarize({ ...base, data: { text: 'x'.repeat(500) } })).toHaveLength(200);
    expect(summarize({ ...base, data: { n: 1 } })).toBe('{"n":1}');
    expect(summarize({ ...base, data: 'plain' })).toBe('plain');
    expect(summarize({ ...base, trace_id: 't1' })).toBe('trace t1');
  });

  it('reads the shapes of known types', () => {
    expect(summarize({ ...base, type: 'llm.call', model: 'gpt-4o', usage: { input_tokens: 1200, cache_read_tokens: 600, output_tokens: 80 }, cost_usd: 0.0031 })).toBe('gpt-4o · 1200 in (600 cached) → 80 out · $0.0031');
    expect(summarize({ ...base, type: 'llm.call', model: 'mine', usage: { input_tokens: 1 }, cost_usd: null })).toContain('unpriced');
    expect(summarize({ ...base, type: 'agent.handoff', data: { to_agent: 'coach-1', reason: 'advice' } })).toBe('→ coach-1 · advice');
    expect(summarize({ ...base, type: 'biometric.reading', data: { metric: 'hrv', value: 41.5, unit: 'ms' } })).toBe('hrv = 41.5 ms');
    expect(summarize({ ...base, type: 'hypothesis.validated', data: { hypothesis_id: 'h1', status: 'validated', text: 'naps help' } })).toBe('h1 [validated] · naps help');
    expect(summarize({ ...base, type: 'tool.failed', data: { tool: 'db.query', error: 'locked' } })).toBe('db.query · locked');
    expect(summarize({ ...base, type: 'knowledge.edge_added', data: { from: 'n1', to: 'n2', relation: 'supports' } })).toBe('n1 —supports→ n2');
    expect(summarize({ ...base, type: 'knowledge.node_added', data: { node_id: 'n1', label: 'nap', kind: 'habit' } })).toBe('habit: nap (n1)');
    expect(summarize({ ...base, type: 'knowledge.node_added', data: { node_id: 'habit-12', label: 'nap', kind: 'habit' } })).toBe('nap (habit-12)');
    expect(summarize({ ...base, type: 'storm.ended', data: { event_type: 'tool.call', coalesced: 390, duration_ms: 4200, reason: 'quiet' } })).toBe('tool.call storm over after 4.2 s: 390 repeats coalesced (quiet)');
  });
});

describe('cost view', () => {
  it('reads the contract shape and derives what is missing', () => {
    const v = costView({
      total_usd: 1.5,
      by_model: [
        { model: 'gpt-4o', cost_usd: 1.5, calls: 10, input_tokens: 1000, output_tokens: 100, cache_read_tokens: 250 },
        { model: 'private-7b', cost_usd: 0, calls: 3, input_tokens: 300, output_tokens: 30, priced: false },
      ],
      by_agent: [{ agent_id: 'planner-1', cost_usd: 1.0, calls: 6 }, { agent_id: 'coach-1', cost_usd: 0.5, calls: 7 }],
      hourly: [{ hour: '2025-01-01T01:00:00Z', cost_usd: 1 }, { hour: '2025-01-01T00:00:00Z', cost_usd: 0.5, input_tokens: 100, cache_read_tokens: 50 }],
    });
    expect(v.total).toBe(1.5);
    expect(v.unpricedCalls).toBe(3);
    expect(v.cacheHitRate).toBeCloseTo(250 / 1300);
    expect(v.byAgent.map((a) => a.agent)).toEqual(['planner-1', 'coach-1']);
    expect(v.hourly.map((h) => h.cost)).toEqual([0.5, 1]);
    expect(v.hourly[0].cacheHitRate).toBe(0.5);
    expect(v.hourly[1].cacheHitRate).toBeNull();
  });

  it('survives nonsense', () => {
    for (const raw of [null, 1, 'x', [], { by_model: 'no', hourly: [null, 1, { hour: 'bad' }] }]) {
      const v = costView(raw);
      expect(v.total).toBe(0);
      expect(v.byModel).toEqual([]);
      expect(v.hourly).toEqual([]);
    }
  });
});

describe('learning view', () => {
  it('accepts maps or lists of counts', () => {
    const v = learningView({
      memories: { formed: 9, recalled: 4, by_type: { episodic: 5, semantic: 4 } },
      hypotheses: { by_status: [{ status: 'validated', count: 3 }, { status: 'rejected', count: 1 }, { status: 'proposed', count: 2 }] },
      knowledge_graph: { nodes: 12, edges: 8, hourly: [{ hour: 1_700_000_000_000, nodes: 3, edges: 2 }] },
      learning_rate_per_hour: 7.5,
    });
    expect(v.memoriesByType[0]).toMatchObject({ label: 'episodic', value: 5 });
    expect(v.hypothesesTotal).toBe(6);
    expect(v.validationRate).toBe(0.75);
    expect(v.graphHourly).toEqual([{ t: 1_700_000_000, nodes: 3, edges: 2 }]);
    expect(v.learningRatePerHour).toBe(7.5);
  });
});

describe('reasoning views', () => {
  it('lists active chains first without duplicates', () => {
    const l = chainList({ active_chains: [{ trace_id: 'a', agents: ['p', 'q'], steps: 3, avg_confidence: 0.8 }], completed_chains: [{ trace_id: 'a' }, { trace_id: 'b', agents: [{ agent_id: 'z' }] }] });
    expect(l.map((c) => [c.traceId, c.status])).toEqual([['a', 'active'], ['b', 'completed']]);
    expect(l[1].agents).toEqual(['z']);
  });

  it('builds a 100,000-deep tree without recursion and caps what it renders', () => {
    // A single chain of 100,000 nested steps: recursion would overflow the stack.
    let node: Record<string, unknown> | undefined;
    for (let i = 100_000; i > 0; i--) node = { span_id: `s${i}`, type: 'agent.step', text: `step ${i}`, children: node ? [node] : [] };
    const t = stepTree({ trace_id: 't', steps: [node] }, 2000);
    expect(t.total).toBe(100_000);
    expect(t.shown).toBe(2000);
    expect(t.roots[0].text).toBe('step 1');
  });

  it('keeps notes the server attaches to odd steps', () => {
    const t = stepTree({ steps: [{ span_id: 'x', type: 'agent.step', orphan: true }, { span_id: 'y', type: 'agent.step', note: 'cycle broken here' }] });
    expect(t.roots.map((n) => n.note)).toEqual(['parent not seen yet', 'cycle broken here']);
  });
});
