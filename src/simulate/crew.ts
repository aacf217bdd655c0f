/**
 * One task worked by the crew, as the sequence of events it produces: the planner breaks a user's
 * goal down and hands off to the analyst (tools, memories, hypotheses, LLM calls), maybe through a
 * researcher or critic, who hands off to the coach (biometric-aware advice, learning). Every step
 * carries trace_id / span_id / parent_span_id, so the chain forms a tree.
 */
import { ENTITIES, GOALS, HYPOTHESES, MEMORY_TYPES, RELATIONS, ROLE_MODELS, TOOLS } from './catalog.js';
import { llmUsage } from './llm-usage.js';
import type { Random } from './random.js';
import type { SimDraft } from './sim-event.js';

export interface CrewState {
  r: Random;
  /** Ids come from their own stream so that two runs with the same seed do not share traces. */
  ids: Random;
  /** agent ids by role */
  agents: Map<string, string[]>;
  /** Open hypotheses, by id, waiting to be tested. */
  openHypotheses: Map<string, { text: string; evidence: number }>;
  hypothesisCount: number;
  nodeCount: number;
}

export interface TaskContext {
  user: string;
  session: string;
  /** The coach who looks after this user (biometrics name the same agent). */
  coach: string;
  /** The newest biometric readings of the user, so the coach's words match the data. */
  latest: () => Record<string, number>;
}

function agentFor(s: CrewState, role: string): string | undefined {
  const list = s.agents.get(role);
  return list && list.length ? s.r.pick(list) : undefined;
}

export function* taskEvents(s: CrewState, ctx: TaskContext): Generator<SimDraft> {
  const { r, ids } = s;
  const trace = ids.hex(32);
  const span = () => ids.hex(16);
  const goal = r.pick(GOALS);
  const base = { trace_id: trace, session_id: ctx.session };
  const llm = (agent: string, role: string, parent: string, purpose: string, warm: boolean): SimDraft => {
    const { model, usage } = llmUsage(r, r.weighted(ROLE_MODELS[role] ?? ROLE_MODELS.executor), warm);
    return { ...base, type: 'llm.call', agent_id: agent, span_id: span(), parent_span_id: parent, model, usage, data: { purpose, latency_ms: r.int(300, 4500) } };
  };

  // Planner: think, call a model, decide, hand off.
  const planner = agentFor(s, 'planner')!;
  const root = span();
  yield { ...base, type: 'agent.thought', agent_id: planner, span_id: root, confidence: r.confidence(0.8), data: { text: `${ctx.user} wants to ${goal}; break it into steps` } };
  yield llm(planner, 'planner', root, 'decompose goal', r.chance(0.5));
  yield { ...base, type: 'agent.decision', agent_id: planner, span_id: span(), parent_span_id: root, confidence: r.confidence(0.78), data: { text: 'plan: check recent data, look for patterns, then write advice' } };

  const analyst = agentFor(s, 'analyst')!;
  let handoff = span();
  yield { ...base, type: 'agent.handoff', agent_id: planner, span_id: handoff, parent_span_id: root, data: { to_agent: analyst, reason: 'needs data analysis' } };

  // Analyst: recall, tools (sometimes failing), models, hypotheses.
  const aRoot = span();
  yield { ...base, type: 'agent.step', agent_id: analyst, span_id: aRoot, parent_span_id: handoff, confidence: r.confidence(0.75), data: { text: `gather evidence to ${goal}` } };
  yield { ...base, type: 'memory.recalled', agent_id: analyst, span_id: span(), parent_span_id: aRoot, data: { memory_type: r.pick(['semantic', 'episodic'] as const), text: `past notes on ${ctx.user}'s training load`, relevance: Math.round(r.float(0.5, 0.98) * 100) / 100 } };
  const tool = r.pick(TOOLS);
  const toolSpan = span();
  if (r.chance(0.1)) {
    yield { ...base, type: 'tool.failed', agent_id: analyst, span_id: toolSpan, parent_span_id: aRoot, data: { tool: tool.tool, error: tool.error, attempt: 1 } };
    if (r.chance(0.4)) {
      yield { ...base, type: 'agent.error', agent_id: analyst, span_id: span(), parent_span_id: aRoot, data: { message: `gave up on ${tool.tool}: ${tool.error}`, severity: 'critical' } };
      return; // the chain fails here
    }
    yield { ...base, type: 'tool.call', agent_id: analyst, span_id: span(), parent_span_id: aRoot, data: { tool: tool.tool, query: tool.query, attempt: 2, duration_ms: r.int(80, 2400) } };
  } else {
    yield { ...base, type: 'tool.call', agent_id: analyst, span_id: toolSpan, parent_span_id: aRoot, data: { tool: tool.tool, query: tool.query, duration_ms: r.int(40, 1800) } };
  }
  const calls = r.int(1, 3);
  for (let i = 0; i < calls; i++) yield llm(analyst, 'analyst', aRoot, i === 0 ? 'summarize evidence' : 'refine analysis', i > 0 || r.chance(0.6));
  if (r.chance(0.5) || s.openHypotheses.size === 0) {
    const id = `hyp-${ids.hex(6)}`;
    const text = `${r.pick(HYPOTHESES)} for ${ctx.user}`;
    s.openHypotheses.set(id, { text, evidence: 0 });
    s.hypothesisCount++;
    yield { ...base, type: 'hypothesis.created', agent_id: analyst, span_id: span(), parent_span_id: aRoot, confidence: r.confidence(0.5), data: { hypothesis_id: id, status: 'proposed', text } };
  }
  yield { ...base, type: 'agent.thought', agent_id: analyst, span_id: span(), parent_span_id: aRoot, confidence: r.confidence(0.72), data: { text: 'recovery markers are mixed: keep intensity low for two days' } };

  // Sometimes a researcher or critic weighs in before the coach.
  let from = analyst;
  for (const role of ['researcher', 'critic']) {
    const extra = agentFor(s, role);
    if (!extra || !r.chance(0.5)) continue;
    const h = span();
    yield { ...base, type: 'agent.handoff', agent_id: from, span_id: h, parent_span_id: aRoot, data: { to_agent: extra, reason: role === 'critic' ? 'double-check the reasoning' : 'find supporting evidence' } };
    const e = span();
    yield { ...base, type: 'agent.step', agent_id: extra, span_id: e, parent_span_id: h, confidence: r.confidence(0.7), data: { text: role === 'critic' ? 'look for holes in the analysis' : 'search literature for similar cases' } };
    yield llm(extra, role, e, role, r.chance(0.5));
    yield { ...base, type: 'agent.decision', agent_id: extra, span_id: span(), parent_span_id: e, confidence: r.confidence(role === 'critic' ? 0.65 : 0.8), data: { text: role === 'critic' ? 'analysis holds; one assumption is weak' : 'two studies support a deload' } };
    from = extra;
  }

  // Coach: reads the biometrics, advises, learns.
  const coach = ctx.coach;
  handoff = span();
  yield { ...base, type: 'agent.handoff', agent_id: from, span_id: handoff, parent_span_id: aRoot, data: { to_agent: coach, reason: 'turn findings into advice' } };
  const cRoot = span();
  const bio = ctx.latest();
  const hrv = bio.hrv !== undefined ? `HRV ${Math.round(bio.hrv)} ms` : 'no HRV today';
  yield { ...base, type: 'agent.thought', agent_id: coach, span_id: cRoot, parent_span_id: handoff, confidence: r.confidence(0.8), data: { text: `${hrv}, stress ${Math.round(bio.stress ?? 40)}: adjust the tone and load` } };
  yield { ...base, type: 'memory.recalled', agent_id: coach, span_id: span(), parent_span_id: cRoot, data: { memory_type: 'preference', text: `${ctx.user} prefers mornings and short sessions` } };
  yield llm(coach, 'coach', cRoot, 'write advice', r.chance(0.7));
  yield* testHypothesis(s, base, coach, span(), cRoot);
  yield { ...base, type: 'memory.formed', agent_id: coach, span_id: span(), parent_span_id: cRoot, data: { memory_type: r.pick(MEMORY_TYPES), text: `${ctx.user}: ${goal} — agreed plan` } };
  const node = `${r.pick(ENTITIES)}-${++s.nodeCount}`;
  yield { ...base, type: 'knowledge.node_added', agent_id: coach, span_id: span(), parent_span_id: cRoot, data: { node_id: node, label: goal, kind: node.split('-')[0] } };
  if (s.nodeCount > 1) {
    yield { ...base, type: 'knowledge.edge_added', agent_id: coach, span_id: span(), parent_span_id: cRoot, data: { from: node, to: `${r.pick(ENTITIES)}-${r.int(1, s.nodeCount - 1)}`, relation: r.pick(RELATIONS) } };
  }
  yield { ...base, type: 'agent.decision', agent_id: coach, span_id: span(), parent_span_id: cRoot, confidence: r.confidence(0.82), data: { text: `advice sent: ${goal} with a lighter first half`, final: true } };
}

/** The coach tests an open hypothesis: more evidence, then validated or rejected. */
function* testHypothesis(s: CrewState, base: Record<string, string>, agent: string, spanId: string, parent: string): Generator<SimDraft> {
  const { r } = s;
  if (s.openHypotheses.size === 0 || !r.chance(0.6)) return;
  const [id, h] = r.pick([...s.openHypotheses.entries()]);
  h.evidence++;
  if (h.evidence < 2 || r.chance(0.3)) {
    yield { ...base, type: 'hypothesis.updated', agent_id: agent, span_id: spanId, parent_span_id: parent, confidence: r.confidence(0.6), data: { hypothesis_id: id, status: 'testing', text: h.text, evidence: h.evidence } };
    return;
  }
  s.openHypotheses.delete(id);
  const ok = r.chance(0.6);
  yield {
    ...base,
    type: ok ? 'hypothesis.validated' : 'hypothesis.rejected',
    agent_id: agent,
    span_id: spanId,
    parent_span_id: parent,
    confidence: r.confidence(ok ? 0.85 : 0.7),
    data: { hypothesis_id: id, status: ok ? 'validated' : 'rejected', text: h.text, evidence: h.evidence },
  };
}
