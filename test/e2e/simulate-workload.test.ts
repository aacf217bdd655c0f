import { describe, expect, it } from 'vitest';
import { CrewWorkload, type SimEvent } from '../../src/simulate/index.js';

const TYPE_RE = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/;

/** What a seed decides: everything but the per-run ids. */
function content(e: SimEvent) {
  return [e.type, e.agent_id, e.model, e.usage, e.confidence, e.data?.text, e.data?.value];
}

describe('crew workload', () => {
  const events = new CrewWorkload({ agents: 5, seed: 11, runId: 'r1', now: () => 1_700_000_000_000 }).take(6000);

  it('is deterministic for a seed, and unique per run', () => {
    const again = new CrewWorkload({ agents: 5, seed: 11, runId: 'r1', now: () => 1_700_000_000_000 }).take(6000);
    expect(again).toEqual(events);
    const other = new CrewWorkload({ agents: 5, seed: 11, runId: 'r2', now: () => 1_700_000_000_000 }).take(6000);
    expect(other.map(content)).toEqual(events.map(content));
    const ids = new Set(events.map((e) => e.id));
    expect(other.some((e) => ids.has(e.id))).toBe(false);
    const traces = new Set(events.map((e) => e.trace_id).filter(Boolean));
    expect(other.some((e) => e.trace_id && traces.has(e.trace_id))).toBe(false);
  });

  it('produces contract-valid events with usage that counts cache tokens inside input', () => {
    for (const e of events) {
      expect(e.type).toMatch(TYPE_RE);
      for (const f of ['id', 'agent_id', 'session_id', 'trace_id', 'span_id', 'parent_span_id'] as const) if (e[f] !== undefined) expect(e[f]!.length).toBeLessThanOrEqual(128);
      if (e.confidence !== undefined) expect(e.confidence >= 0 && e.confidence <= 1).toBe(true);
      if (e.usage) {
        for (const v of Object.values(e.usage)) expect(Number.isInteger(v) && v! >= 0).toBe(true);
        expect((e.usage.cache_read_tokens ?? 0) + (e.usage.cache_write_tokens ?? 0)).toBeLessThanOrEqual(e.usage.input_tokens);
        expect(e.usage.reasoning_tokens ?? 0).toBeLessThanOrEqual(e.usage.output_tokens);
        expect(e.model).toBeTruthy();
      }
      expect(JSON.stringify(e.data ?? {}).length).toBeLessThan(64 * 1024);
    }
  });

  it('covers everything the dashboards understand', () => {
    const types = new Set(events.map((e) => e.type));
    for (const t of ['agent.thought', 'agent.step', 'agent.decision', 'agent.handoff', 'llm.call', 'tool.call', 'tool.failed', 'agent.error', 'memory.formed', 'memory.recalled', 'hypothesis.created', 'hypothesis.updated', 'hypothesis.validated', 'hypothesis.rejected', 'knowledge.node_added', 'knowledge.edge_added', 'biometric.reading', 'biometric.alert']) {
      expect(types, t).toContain(t);
    }
    const models = new Set(events.filter((e) => e.type === 'llm.call').map((e) => e.model));
    expect(models.size).toBeGreaterThanOrEqual(5);
    expect(events.some((e) => (e.usage?.cache_read_tokens ?? 0) > 0)).toBe(true);
    expect(events.filter((e) => e.type.startsWith('memory.')).every((e) => typeof e.data?.memory_type === 'string')).toBe(true);
    expect(events.filter((e) => e.type.startsWith('hypothesis.')).every((e) => typeof e.data?.hypothesis_id === 'string' && typeof e.data?.status === 'string')).toBe(true);
    expect(events.filter((e) => e.type.startsWith('biometric.')).every((e) => typeof e.data?.metric === 'string' && typeof e.data?.value === 'number' && e.agent_id && e.session_id)).toBe(true);
  });

  it('forms chains: every parent is an earlier span of the same trace, handoffs go planner → … → coach', () => {
    const spans = new Map<string, Set<string>>();
    const handoffs = new Map<string, string[]>();
    for (const e of events) {
      if (!e.trace_id) continue;
      let s = spans.get(e.trace_id);
      if (!s) spans.set(e.trace_id, (s = new Set()));
      if (e.parent_span_id) expect(s.has(e.parent_span_id), `${e.type} in ${e.trace_id}`).toBe(true);
      else expect(e.agent_id).toMatch(/^planner-/);
      s.add(e.span_id!);
      if (e.type === 'agent.handoff') handoffs.set(e.trace_id, [...(handoffs.get(e.trace_id) ?? [e.agent_id!]), e.data!.to_agent as string]);
    }
    const full = [...handoffs.values()].filter((h) => h[h.length - 1].startsWith('coach-'));
    expect(full.length).toBeGreaterThan(20);
    for (const h of full) {
      expect(h[0]).toMatch(/^planner-/);
      expect(h[1]).toMatch(/^analyst-/);
    }
  });

  it('validates or rejects only hypotheses it created, and alerts only past a threshold', () => {
    const created = new Set<string>();
    const closed = new Set<string>();
    for (const e of events) {
      const id = e.data?.hypothesis_id as string | undefined;
      if (e.type === 'hypothesis.created') created.add(id!);
      if (e.type === 'hypothesis.updated' || e.type === 'hypothesis.validated' || e.type === 'hypothesis.rejected') {
        expect(created.has(id!)).toBe(true);
        expect(closed.has(id!)).toBe(false);
      }
      if (e.type === 'hypothesis.validated' || e.type === 'hypothesis.rejected') closed.add(id!);
    }
    for (const [i, e] of events.entries()) {
      if (e.type !== 'biometric.alert') continue;
      const reading = events[i - 1];
      expect(reading.type).toBe('biometric.reading');
      expect(reading.data!.value).toBe(e.data!.value);
    }
  });

  it('refuses a crew too small to hand off', () => {
    expect(() => new CrewWorkload({ agents: 2 })).toThrow(/≥ 3/);
  });
});
