import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { describe, expect, it } from 'vitest';
import { useTestServer } from '../helpers/server.js';
import { useStream } from '../helpers/ws-client.js';
import { agentWithTool, chatWithCache, exportSpans, recorder } from './genai-spans.js';

type Ev = Record<string, unknown> & { data: Record<string, unknown>; usage?: Record<string, number> };

describe('OTLP/HTTP traces from the official OpenTelemetry JS SDK exporters', () => {
  const s = useTestServer();
  const stream = useStream(s);

  const events = () => stream.events() as Ev[];
  const byTrace = (traceId: string) => events().filter((e) => e.trace_id === traceId);

  const EXPORTERS = [
    ['json', (url: string) => new JsonExporter({ url })],
    ['protobuf', (url: string) => new ProtoExporter({ url })],
    ['protobuf-gzip', (url: string) => new ProtoExporter({ url, compression: 'gzip' as never })],
  ] as const;
  for (const [encoding, makeExporter] of EXPORTERS) {
    it(`maps a cached chat call, an agent with a tool, and a failing tool (${encoding})`, async () => {
      const { tracer, take } = recorder();
      chatWithCache(tracer, `conv-${encoding}`);
      agentWithTool(tracer, { failTool: true, tool: 'fetch_url' });
      const spans = take();
      const exporter = makeExporter(`${s.url}/v1/traces`);
      const result = await exportSpans(exporter, spans);
      expect(result.error).toBeUndefined();
      expect(result.code).toBe(0);

      const chatTrace = spans[0].spanContext().traceId;
      const agentTrace = spans[1].spanContext().traceId;
      await stream.until(() => byTrace(chatTrace).length === 1 && byTrace(agentTrace).length === 3);

      const chat = byTrace(chatTrace)[0];
      expect(chat).toMatchObject({
        type: 'llm.call',
        tier: 'operational',
        id: chatTrace + spans[0].spanContext().spanId,
        span_id: spans[0].spanContext().spanId,
        model: 'gpt-4o-2024-08-06',
        session_id: `conv-${encoding}`,
        agent_id: 'support-bot',
        usage: { input_tokens: 1200, output_tokens: 300, cache_read_tokens: 1000 },
      });
      expect(chat.parent_span_id).toBeUndefined();
      expect(chat.data).toMatchObject({ name: 'chat gpt-4o', kind: 'client', mapped_from: 'gen_ai.operation.name' });
      expect((chat.data.attributes as Record<string, unknown>)['gen_ai.response.finish_reasons']).toEqual(['stop']);
      expect(typeof chat.data.duration_ms).toBe('number');
      expect(new Date(chat.ts as string).getTime()).toBe(Math.floor(spans[0].startTime[0] * 1000 + spans[0].startTime[1] / 1e6));

      const agentSpanId = spans.find((x) => x.name.startsWith('invoke_agent'))!.spanContext().spanId;
      const chain = byTrace(agentTrace);
      const agent = chain.find((e) => e.type === 'agent.step')!;
      expect(agent).toMatchObject({ agent_id: 'researcher', session_id: 'conv-7', span_id: agentSpanId, tier: 'operational' });
      const llm = chain.find((e) => e.type === 'llm.call')!;
      expect(llm).toMatchObject({ parent_span_id: agentSpanId, agent_id: 'researcher', model: 'claude-sonnet-4', usage: { input_tokens: 500, output_tokens: 80 } });
      const failed = chain.find((e) => e.type === 'tool.error')!;
      expect(failed).toMatchObject({ tier: 'critical', parent_span_id: agentSpanId, agent_id: 'researcher' });
      expect(failed.data).toMatchObject({ error: 'tool failed: connection refused', ok_type: 'tool.call', severity: 'critical', status: { code: 'error' } });
      expect(JSON.stringify(failed.data.events)).toContain('connection refused by example.invalid');
      // Critical events go out alone, at once, in their own frame.
      const frame = stream.frames.find((f) => f.tier === 'critical' && (f.events as Ev[]).some((e) => e.type === 'tool.error' && e.trace_id === agentTrace));
      expect((frame!.events as Ev[]).length).toBe(1);
    });
  }

  it('deduplicates a re-export of the same spans (JSON first, then protobuf)', async () => {
    const { tracer, take } = recorder();
    agentWithTool(tracer);
    const spans = take();
    const traceId = spans[0].spanContext().traceId;
    expect((await exportSpans(new JsonExporter({ url: `${s.url}/v1/traces` }), spans)).code).toBe(0);
    await stream.until(() => byTrace(traceId).length === 3);
    expect((await exportSpans(new ProtoExporter({ url: `${s.url}/v1/traces` }), spans)).code).toBe(0);
    const marker = await fetch(`${s.url}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'test.marker', trace_id: traceId }) });
    expect(marker.status).toBe(202);
    await stream.until(() => byTrace(traceId).some((e) => e.type === 'test.marker'));
    expect(byTrace(traceId).filter((e) => e.type !== 'test.marker')).toHaveLength(3);
    expect(byTrace(traceId).find((e) => e.type === 'tool.call')).toMatchObject({ agent_id: 'researcher', data: { attributes: { 'gen_ai.tool.name': 'web_search' } } });
  });

  it('shows the spans on the cost and reasoning dashboards', async () => {
    // gpt-4o: $2.50/M input, $1.25/M cached input, $10/M output; input 1200 includes 1000 cached.
    const chat = events().find((e) => e.model === 'gpt-4o-2024-08-06')!;
    expect(chat.cost_usd).toBeCloseTo((200 * 2.5 + 1000 * 1.25 + 300 * 10) / 1e6, 9);

    type Cost = { total_usd: number; by_model: { model: string; calls: number; input_tokens: number; cost_usd: number }[]; by_agent: { agent_id: string }[]; cache_hit_rate: number };
    const cost = await poll(async () => {
      const c = (await (await fetch(`${s.url}/v1/dashboards/cost?window=24h`)).json()) as Cost;
      return c.by_model.find((m) => m.model === 'gpt-4o-2024-08-06')?.calls === EXPORTERS.length ? c : undefined;
    });
    expect(cost.by_model.find((m) => m.model === 'gpt-4o-2024-08-06')).toMatchObject({ calls: EXPORTERS.length, input_tokens: 1200 * EXPORTERS.length });
    expect(cost.by_model.find((m) => m.model === 'gpt-4o-2024-08-06')!.cost_usd).toBeCloseTo(EXPORTERS.length * (chat.cost_usd as number), 9);
    expect(cost.by_agent.map((a) => a.agent_id)).toEqual(expect.arrayContaining(['researcher', 'support-bot']));
    expect(cost.cache_hit_rate).toBeGreaterThan(0);

    const agent = events().find((e) => e.type === 'agent.step')!;
    const traceId = agent.trace_id as string;
    type Chains = { active_chains: { trace_id: string; agents: string[]; steps: number }[] };
    const chains = await poll(async () => {
      const c = (await (await fetch(`${s.url}/v1/dashboards/reasoning`)).json()) as Chains;
      return c.active_chains.some((x) => x.trace_id === traceId) ? c : undefined;
    });
    expect(chains.active_chains.find((c) => c.trace_id === traceId)!.agents).toContain('researcher');
    const tree = (await (await fetch(`${s.url}/v1/dashboards/reasoning/${traceId}`)).json()) as { steps: unknown[] };
    expect(JSON.stringify(tree.steps)).toContain(agent.span_id as string);
  });
});

async function poll<T>(read: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = await read();
    if (v !== undefined) return v;
    if (Date.now() - start > timeoutMs) throw new Error('dashboard did not show the spans in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
