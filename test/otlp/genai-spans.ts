/** Realistic GenAI spans made by the official OpenTelemetry JS SDK, and a helper to export them. */
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';

export function recorder(serviceName = 'support-bot') {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  return { tracer: provider.getTracer('genai-test', '1.0.0'), take: () => memory.getFinishedSpans().splice(0) as ReadableSpan[], memory };
}

type Tracer = ReturnType<typeof recorder>['tracer'];

/** A chat completion that hit the prompt cache: 1200 input tokens of which 1000 were cached. */
export function chatWithCache(tracer: Tracer, conversation = 'conv-42'): void {
  const span = tracer.startSpan('chat gpt-4o', {
    kind: SpanKind.CLIENT,
    attributes: {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.conversation.id': conversation,
    },
  });
  span.setAttributes({
    'gen_ai.response.model': 'gpt-4o-2024-08-06',
    'gen_ai.usage.input_tokens': 1200,
    'gen_ai.usage.output_tokens': 300,
    'gen_ai.usage.cache_read.input_tokens': 1000,
    'gen_ai.response.finish_reasons': ['stop'],
  });
  span.end();
}

/** An agent that asks the model, then runs a tool; the tool fails when `failTool` is set. */
export function agentWithTool(tracer: Tracer, opts: { failTool?: boolean; tool?: string } = {}): void {
  const tool = opts.tool ?? 'web_search';
  const agent = tracer.startSpan('invoke_agent researcher', {
    kind: SpanKind.INTERNAL,
    attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'researcher', 'gen_ai.agent.id': 'agt_7', 'gen_ai.conversation.id': 'conv-7' },
  });
  const ctx = trace.setSpan(context.active(), agent);
  const llm = tracer.startSpan('chat claude-sonnet-4', { kind: SpanKind.CLIENT, attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'claude-sonnet-4', 'gen_ai.usage.input_tokens': 500, 'gen_ai.usage.output_tokens': 80 } }, ctx);
  llm.end();
  const call = tracer.startSpan(`execute_tool ${tool}`, {
    kind: SpanKind.INTERNAL,
    attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': tool, 'gen_ai.tool.call.id': 'call_1', 'gen_ai.tool.call.arguments': '{"q":"auren"}' },
  }, ctx);
  if (opts.failTool) {
    call.recordException(new Error('connection refused by example.invalid'));
    call.setStatus({ code: SpanStatusCode.ERROR, message: 'tool failed: connection refused' });
  }
  call.end();
  agent.end();
}

export function exportSpans(exporter: SpanExporter, spans: ReadableSpan[]): Promise<{ code: number; error?: Error }> {
  return new Promise((resolve) => exporter.export(spans, resolve));
}
