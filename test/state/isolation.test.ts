import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { connectStream } from '../helpers/ws-client.js';
import { getter, postAll, settled } from './helpers.js';

const KEYS = {
  acmeIn: 'acme-ingest-key-0123456789',
  acmeRead: 'acme-read-key-0123456789ab',
  globexIn: 'globex-ingest-key-01234567',
  globexRead: 'globex-read-key-0123456789',
  admin: 'admin-key-0123456789abcdef',
};
const bearer = (k: string) => ({ authorization: `Bearer ${k}` });

describe('dashboards are scoped to the projects of the key', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({
      config: { apiKeys: `${KEYS.acmeIn}=acme:ingest,${KEYS.acmeRead}=acme:read,${KEYS.globexIn}=globex:ingest,${KEYS.globexRead}=globex:read,${KEYS.admin}=ops:admin` },
    });
    const call = (trace: string, usd: number, agent: string) => [
      { type: 'llm.call', agent_id: agent, trace_id: trace, span_id: 'a', model: 'gpt-4o', usage: { input_tokens: 10 }, cost_usd: usd },
      { type: 'memory.formed', agent_id: agent, data: { memory_type: 'semantic' } },
    ];
    await postAll(s.url, [call('shared-trace-id', 1, 'acme-bot')], bearer(KEYS.acmeIn));
    await postAll(s.url, [call('shared-trace-id', 2, 'globex-bot')], bearer(KEYS.globexIn));
    await settled(s.url, bearer(KEYS.admin));
  });
  afterAll(async () => {
    await s.stop();
    expect(s.errors).toEqual([]);
  });

  it('a read key sees its own project only; an admin key sees all', async () => {
    const acme = await getter(s.url, bearer(KEYS.acmeRead))('/v1/dashboards/cost');
    expect(acme.total_usd).toBe(1);
    expect(acme.by_agent.map((a: { agent_id: string }) => a.agent_id)).toEqual(['acme-bot']);
    const globex = await getter(s.url, bearer(KEYS.globexRead))('/v1/dashboards/learning');
    expect(globex.memories.formed).toBe(1);
    const all = await getter(s.url, bearer(KEYS.admin))('/v1/dashboards/cost');
    expect(all.total_usd).toBe(3);
    const chain = await getter(s.url, bearer(KEYS.globexRead))('/v1/dashboards/reasoning/shared-trace-id');
    expect(chain).toMatchObject({ project: 'globex', chain: { agents: ['globex-bot'], cost_usd: 2 } });
  });

  it('needs a key with the read role', async () => {
    expect((await fetch(s.url + '/v1/dashboards/cost')).status).toBe(401);
    expect((await fetch(s.url + '/v1/dashboards/reasoning', { headers: bearer('wrong-key-0123456789abcdef') })).status).toBe(401);
    const ingestOnly = await fetch(s.url + '/v1/dashboards/learning', { headers: bearer(KEYS.acmeIn) });
    expect(ingestOnly.status).toBe(403);
    expect(((await ingestOnly.json()) as { error: string }).error).toMatch(/reading needs a read or admin key/);
    // A key in the URL would end up in logs: dashboards take only the Authorization header.
    expect((await fetch(s.url + `/v1/dashboards/cost?token=${KEYS.acmeRead}`)).status).toBe(401);
  });

  it('live dashboard frames carry only the subscriber\'s project', async () => {
    const c = await connectStream(s.url, `dashboards=cost&token=${KEYS.acmeRead}`);
    await postAll(s.url, [[{ type: 'llm.call', agent_id: 'globex-bot', model: 'gpt-4o', usage: { input_tokens: 1 }, cost_usd: 5 }]], bearer(KEYS.globexIn));
    await postAll(s.url, [[{ type: 'llm.call', agent_id: 'acme-bot', model: 'gpt-4o', usage: { input_tokens: 1 }, cost_usd: 0.5 }]], bearer(KEYS.acmeIn));
    await c.until((f) => f.some((x) => x.type === 'dashboard' && (x.data as { total_usd: number }).total_usd === 1.5), 8000);
    const frames = c.frames.filter((f) => f.type === 'dashboard');
    expect(frames.every((f) => f.project === 'acme' && f.name === 'cost')).toBe(true);
    c.close();
  });
});
