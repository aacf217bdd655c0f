import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { useTestServer } from '../helpers/server.js';
import { useFlakyProxy } from './flaky-proxy.js';
import { storedEvents } from './stored.js';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const script = (name: string, url: string) => run('python3', [`clients/python/tests/${name}.py`, url], { encoding: 'utf8', timeout: 60_000 });
const lastJson = (out: string) => JSON.parse(out.trim().split('\n').pop()!);

describe('Python client (standard library only) against a real server', () => {
  const s = useTestServer();
  const proxy = useFlakyProxy(s);

  it('loses and duplicates nothing through 503s, lost answers, 429s and an outage', async () => {
    const child = script('delivery_script', proxy.url);
    await sleep(300);
    proxy.mode = '503';
    await sleep(250);
    proxy.mode = 'commit-then-503';
    await sleep(250);
    proxy.mode = '429';
    await sleep(400);
    await proxy.down();
    await sleep(500);
    await proxy.up();
    const result = lastJson((await child).stdout);
    expect(result.ok).toBe(true);
    const stored = (await storedEvents(s.url, 'py.*')).map((e) => e.id as string);
    expect(new Set(stored).size).toBe(stored.length);
    expect(new Set(stored)).toEqual(new Set(result.ids));
    expect(result.stats).toMatchObject({ emitted: 600, dropped: { total: 0 } });
    expect(result.stats.accepted + result.stats.duplicates).toBe(600);
    expect(result.stats.retries).toBeGreaterThan(0);
    expect(proxy.encodings.has('gzip')).toBe(true);
  });

  it('keeps critical events and drops analytical ones first when the buffer overflows', async () => {
    await proxy.down();
    const child = script('overflow_script', proxy.url);
    await sleep(800);
    await proxy.up();
    const r = lastJson((await child).stdout);
    expect(r.flushed).toBe(true);
    expect(r.during.buffered).toBeLessThanOrEqual(60);
    expect(r.stats.dropped.critical).toBe(0);
    expect(r.stats.dropped.total).toBe(r.drop_callbacks);
    expect(r.dropped_tiers).toContain('analytical');
    const stored = await storedEvents(s.url, 'pyover.*,metric.pyover');
    expect(stored.filter((e) => e.type === 'pyover.failed').map((e) => e.id).sort()).toEqual([...r.critical].sort());
    expect(stored.length + r.stats.dropped.total).toBe(300);
  });

  it('forwards CrewAI event-bus events as Auren events (adapter, context manager)', async () => {
    const r = lastJson((await script('crewai_script', s.url)).stdout);
    expect(r.stats).toMatchObject({ accepted: 11, dropped: { total: 0 } });
    const ev = await storedEvents(s.url, 'crew.*,task.*,agent.*,llm.*,tool.*,memory.*');
    const byType = (t: string) => ev.filter((e) => e.type === t);
    expect(byType('agent.step')).toHaveLength(2);
    const [started] = byType('agent.step');
    expect(started).toMatchObject({ agent_id: 'Researcher', session_id: 'crew-run-1', data: { phase: 'started', text: 'Find sources' } });
    expect(byType('agent.thought')[0]).toMatchObject({ agent_id: 'Researcher', parent_span_id: started.span_id, data: { text: '1. search 2. read 3. summarise' } });
    expect(byType('llm.call')[0]).toMatchObject({ model: 'gpt-4o-mini', usage: { input_tokens: 900, output_tokens: 120, cache_read_tokens: 600 }, parent_span_id: started.span_id });
    expect(byType('tool.call')[0]).toMatchObject({ data: { tool_name: 'web_search', output: '3 results' }, parent_span_id: started.span_id });
    expect(byType('tool.error')[0]).toMatchObject({ tier: 'critical', data: { error: 'timeout after 10s' } });
    expect(byType('memory.formed')[0]).toMatchObject({ tier: 'analytical', data: { memory_type: 'short_term' } });
    expect(new Set(ev.map((e) => e.trace_id)).size).toBe(1);
  });
});
