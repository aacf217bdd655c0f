/**
 * GET /v1/dashboards/reasoning?agent=… with a read key: answers 200 with only the key's project,
 * never a 500 (the agent filter's EXISTS subquery must be valid SQL).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { API_KEYS, KEYS, bearer } from './support/keys.js';

const s: TestServer = await startTestServer({ config: { apiKeys: API_KEYS } });

describe('reasoning dashboard agent filter', () => {
  afterAll(async () => {
    await s.stop();
    expect(s.errors).toEqual([]);
  });

  it('filters by agent within the key’s project', async () => {
    const post = (key: string, agent: string) =>
      fetch(`${s.url}/v1/events`, { method: 'POST', headers: { ...bearer(key), 'content-type': 'application/json' }, body: JSON.stringify({ type: 'agent.step', agent_id: agent, trace_id: `t-${agent}`, span_id: 's1' }) });
    expect((await post(KEYS.aIngest, 'agent-a')).status).toBe(202);
    expect((await post(KEYS.bIngest, 'agent-b')).status).toBe(202);
    let chains: { trace_id: string }[] = [];
    for (let i = 0; i < 50 && chains.length === 0; i++) {
      const r = await fetch(`${s.url}/v1/dashboards/reasoning?agent=agent-a`, { headers: bearer(KEYS.aRead) });
      expect(r.status, await r.clone().text()).toBe(200);
      chains = ((await r.json()) as { active_chains: { trace_id: string }[] }).active_chains;
      await new Promise((res) => setTimeout(res, 100));
    }
    expect(chains.map((c) => c.trace_id)).toEqual(['t-agent-a']);
    const other = await fetch(`${s.url}/v1/dashboards/reasoning?agent=agent-b`, { headers: bearer(KEYS.aRead) });
    expect(other.status).toBe(200);
    expect(((await other.json()) as { active_chains: unknown[] }).active_chains).toEqual([]);
  });
});
