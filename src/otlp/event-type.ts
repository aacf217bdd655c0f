/**
 * Which contract event type a span becomes, from `gen_ai.operation.name` (OTel GenAI) or a
 * "Handoff" span name, then
 * `openinference.span.kind` (OpenInference), then `traceloop.span.kind` / `llm.request.type`
 * (OpenLLMetry). Spans none of them describe stay in the trace tree as `otel.span`.
 */

const GEN_AI_OPS: Record<string, string> = {
  chat: 'llm.call',
  text_completion: 'llm.call',
  generate_content: 'llm.call',
  embeddings: 'llm.embedding',
  invoke_agent: 'agent.step',
  create_agent: 'agent.step',
  execute_tool: 'tool.call',
  create_memory: 'memory.formed',
  update_memory: 'memory.updated',
  search_memory: 'memory.recalled',
  delete_memory: 'memory.deleted',
  retrieval: 'retrieval.call',
};

const OPENINFERENCE_KINDS: Record<string, string> = {
  LLM: 'llm.call',
  EMBEDDING: 'llm.embedding',
  AGENT: 'agent.step',
  CHAIN: 'agent.step',
  TOOL: 'tool.call',
  RETRIEVER: 'retrieval.call',
  RERANKER: 'retrieval.rerank',
  GUARDRAIL: 'guardrail.check',
  EVALUATOR: 'eval.run',
};

const TRACELOOP_KINDS: Record<string, string> = {
  workflow: 'agent.step',
  task: 'agent.step',
  agent: 'agent.step',
  tool: 'tool.call',
};

const LLM_REQUEST_TYPES: Record<string, string> = { chat: 'llm.call', completion: 'llm.call', embedding: 'llm.embedding', rerank: 'retrieval.rerank' };

export const GENERIC_SPAN_TYPE = 'otel.span';

export interface SpanType {
  type: string;
  /** Which attribute decided, kept in data so a surprising mapping can be traced back. */
  source: string;
}

export function spanType(attrs: Record<string, unknown>, name = ''): SpanType {
  const op = lower(attrs['gen_ai.operation.name']);
  // Handoffs have no GenAI operation name yet; the OpenAI Agents SDK names its spans "Handoff …".
  if (op === 'handoff' || /^handoff\b/i.test(name)) return { type: 'agent.handoff', source: op === 'handoff' ? 'gen_ai.operation.name' : 'span name' };
  // own(): attribute values such as "constructor" or "__proto__" must not find Object.prototype members.
  const genAi = own(GEN_AI_OPS, op);
  if (genAi) return { type: genAi, source: 'gen_ai.operation.name' };
  const oi = own(OPENINFERENCE_KINDS, upper(attrs['openinference.span.kind']));
  if (oi) return { type: oi, source: 'openinference.span.kind' };
  const tl = own(TRACELOOP_KINDS, lower(attrs['traceloop.span.kind']));
  if (tl) return { type: tl, source: 'traceloop.span.kind' };
  const rt = own(LLM_REQUEST_TYPES, lower(attrs['llm.request.type']));
  if (rt) return { type: rt, source: 'llm.request.type' };
  // An unknown GenAI operation that still names a model and usage is an LLM call in all but name.
  if (op || attrs['gen_ai.system'] !== undefined || attrs['gen_ai.provider.name'] !== undefined) {
    if (attrs['gen_ai.request.model'] !== undefined || attrs['gen_ai.response.model'] !== undefined) return { type: 'llm.call', source: 'gen_ai.*.model' };
  }
  if (attrs['gen_ai.tool.name'] !== undefined) return { type: 'tool.call', source: 'gen_ai.tool.name' };
  return { type: GENERIC_SPAN_TYPE, source: 'none' };
}

/** The failure type for a span with error status: llm.call → llm.error, tool.call → tool.error. */
export function errorType(type: string): string {
  const dot = type.indexOf('.');
  return `${dot > 0 ? type.slice(0, dot) : type}.error`;
}

function own(map: Record<string, string>, key: string | undefined): string | undefined {
  return key !== undefined && Object.hasOwn(map, key) ? map[key] : undefined;
}

function lower(v: unknown): string | undefined {
  return typeof v === 'string' ? v.trim().toLowerCase() : undefined;
}

function upper(v: unknown): string | undefined {
  return typeof v === 'string' ? v.trim().toUpperCase() : undefined;
}
