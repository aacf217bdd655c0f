import { describe, expect, it } from 'vitest';
import { flattenSpans } from '../../src/otlp/otlp-spans.js';
import { spanToEvent } from '../../src/otlp/span-to-event.js';

const kv = (attrs: Record<string, string | number | boolean>) =>
  Object.entries(attrs).map(([key, v]) => ({ key, value: typeof v === 'string' ? { stringValue: v } : typeof v === 'boolean' ? { boolValue: v } : Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v } }));

function map(attrs: Record<string, string | number | boolean>, extra: Record<string, unknown> = {}) {
  const now = Date.now();
  const [span] = flattenSpans({
    resourceSpans: [{ resource: { attributes: kv({ 'service.name': 'svc' }) }, scopeSpans: [{ spans: [{ traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8), name: 'x', startTimeUnixNano: `${now}000000`, endTimeUnixNano: `${now + 5}000000`, attributes: kv(attrs), ...extra }] }] }],
  });
  const m = spanToEvent(span, { now, agentOf: () => undefined });
  if (!m.ok) throw new Error(m.error);
  return m.event as Record<string, unknown> & { data: Record<string, unknown> };
}

describe('span dialects to contract events', () => {
  it.each([
    ['chat', 'llm.call'],
    ['text_completion', 'llm.call'],
    ['generate_content', 'llm.call'],
    ['invoke_agent', 'agent.step'],
    ['create_agent', 'agent.step'],
    ['execute_tool', 'tool.call'],
    ['create_memory', 'memory.formed'],
    ['update_memory', 'memory.updated'],
    ['search_memory', 'memory.recalled'],
    ['embeddings', 'llm.embedding'],
  ])('gen_ai.operation.name %s → %s', (op, type) => {
    expect(map({ 'gen_ai.operation.name': op }).type).toBe(type);
  });

  it('maps OpenInference spans (kind, model, token counts with cache details, agent, session)', () => {
    const e = map({ 'openinference.span.kind': 'LLM', 'llm.model_name': 'claude-3-5-sonnet', 'llm.token_count.prompt': 1500, 'llm.token_count.completion': 200, 'llm.token_count.prompt_details.cache_read': 1000, 'llm.token_count.prompt_details.cache_write': 300, 'agent.name': 'planner', 'session.id': 's-9' });
    expect(e).toMatchObject({ type: 'llm.call', model: 'claude-3-5-sonnet', agent_id: 'planner', session_id: 's-9', usage: { input_tokens: 1500, output_tokens: 200, cache_read_tokens: 1000, cache_write_tokens: 300 } });
    expect(map({ 'openinference.span.kind': 'TOOL' }).type).toBe('tool.call');
    expect(map({ 'openinference.span.kind': 'CHAIN' }).type).toBe('agent.step');
  });

  it('maps deprecated GenAI names and OpenLLMetry attributes', () => {
    const e = map({ 'gen_ai.system': 'openai', 'gen_ai.request.model': 'gpt-4o-mini', 'llm.request.type': 'chat', 'gen_ai.usage.prompt_tokens': 800, 'gen_ai.usage.completion_tokens': 40, 'gen_ai.usage.cached_tokens': 512, 'traceloop.association.properties.session_id': 'chat-3' });
    expect(e).toMatchObject({ type: 'llm.call', model: 'gpt-4o-mini', session_id: 'chat-3', usage: { input_tokens: 800, output_tokens: 40, cache_read_tokens: 512 } });
    expect(map({ 'traceloop.span.kind': 'tool' }).type).toBe('tool.call');
  });

  it('adds cache tokens to input when the sender reported input without them (Anthropic style)', () => {
    const e = map({ 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'claude-sonnet-4', 'gen_ai.usage.input_tokens': 20, 'gen_ai.usage.cache_read_input_tokens': 3000, 'gen_ai.usage.cache_creation_input_tokens': 500, 'gen_ai.usage.output_tokens': 90, 'gen_ai.usage.reasoning.output_tokens': 30 });
    expect(e.usage).toEqual({ input_tokens: 3520, output_tokens: 90, cache_read_tokens: 3000, cache_write_tokens: 500, reasoning_tokens: 30 });
    expect(e.data.usage_note).toMatch(/did not include cache tokens; added 3500/);
  });

  it('keeps input as sent when it already includes the cache tokens (the OTel rule)', () => {
    const e = map({ 'gen_ai.operation.name': 'chat', 'gen_ai.usage.input_tokens': 1200, 'gen_ai.usage.cache_read.input_tokens': 1000, 'gen_ai.usage.cache_creation.input_tokens': 100 });
    expect(e.usage).toMatchObject({ input_tokens: 1200, cache_read_tokens: 1000, cache_write_tokens: 100 });
    expect(e.data.usage_note).toBeUndefined();
  });

  it('turns error status into a critical-severity *.error event with the message', () => {
    const e = map({ 'gen_ai.operation.name': 'chat' }, { status: { code: 2, message: 'rate limited by provider' } });
    expect(e).toMatchObject({ type: 'llm.error', data: { severity: 'critical', error: 'rate limited by provider', ok_type: 'llm.call' } });
    const plain = map({ 'http.method': 'GET' }, { status: { code: 'STATUS_CODE_ERROR' } });
    expect(plain.type).toBe('otel.error');
    expect(map({ 'http.method': 'GET' }).type).toBe('otel.span');
  });

  it('maps handoff spans to agent.handoff with the target agent', () => {
    const byName = map({}, { name: 'Handoff to billing_agent' });
    expect(byName).toMatchObject({ type: 'agent.handoff', data: { to_agent: 'billing_agent', mapped_from: 'span name' } });
    expect(map({ 'gen_ai.operation.name': 'handoff', to_agent: 'triage' })).toMatchObject({ type: 'agent.handoff', data: { to_agent: 'triage' } });
  });

  it('prefers the agent a span names, then falls back to service.name', () => {
    expect(map({ 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.id': 'agt_1' }).agent_id).toBe('agt_1');
    expect(map({ 'gen_ai.operation.name': 'chat' }).agent_id).toBe('svc');
  });
});
