import { describe, expect, it } from 'vitest';
import { useTestServer } from './helpers/server.js';
import { connectStream, postEvents } from './helpers/ws-client.js';

describe('pipeline smoke (in-process, Node runtime, real port)', () => {
  const s = useTestServer();

  it('accepts events and streams them live', async () => {
    const c = await connectStream(s.url);
    const r = await postEvents(s.url, [{ type: 'agent.step', agent_id: 'a' }, { type: 'agent.error' }]);
    expect(r.status).toBe(202);
    expect(r.json).toMatchObject({ accepted: 2, duplicates: 0, rejected: 0 });
    await c.until(() => c.events().length === 2);
    c.close();
  });
});
