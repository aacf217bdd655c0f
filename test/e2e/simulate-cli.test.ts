import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSimulation } from '../../src/simulate/index.js';
import { runAuren, TARGETS } from '../helpers/binary.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { connectStream } from '../helpers/ws-client.js';

const INGEST = 'sim-ingest-key-0123456789';

describe('auren simulate', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ config: { apiKeys: `${INGEST}=default:ingest,sim-admin-key-0123456789=default:admin` } });
  });
  afterAll(() => server.stop());

  it('runSimulation sends exactly the budget, all accepted, streamed live', async () => {
    const stream = await connectStream(server.url, 'token=sim-admin-key-0123456789');
    const before = server.ctx.log.lastSeq();
    const s = await runSimulation({ url: server.url, agents: 4, rate: 4000, maxEvents: 1200, apiKey: INGEST, seed: 5 });
    expect(s).toMatchObject({ sent: 1200, accepted: 1200, duplicates: 0, rejected: 0 });
    expect(s.agents).toEqual(['planner-1', 'analyst-1', 'coach-1', 'researcher-1']);
    const stored = (await server.ctx.log.read(before, 5000)).filter((e) => e.id.startsWith(`sim-${s.runId}-`));
    expect(stored).toHaveLength(1200);
    // Each event streamed once: the crew's events are distinct, so storm control holds none back.
    const mine = () => stream.events().filter((e) => String(e.id).startsWith(`sim-${s.runId}-`));
    await stream.until(() => mine().length >= 1200, 10_000);
    expect(new Set(mine().map((e) => e.id)).size).toBe(1200);
    stream.close();
    expect(server.errors).toEqual([]);
  });

  it('stops on a bad key with a message that says what to do', async () => {
    await expect(runSimulation({ url: server.url, agents: 3, rate: 100, maxEvents: 10, apiKey: 'wrong-key-0123456789' })).rejects.toThrow(/refused the key \(401\).*--api-key/);
  });

  for (const target of TARGETS) {
    it(`runs from the CLI (${target}) and prints a summary`, async () => {
      const r = await runAuren(target, ['simulate', '--url', server.url, '--agents', '5', '--rate', '2000', '--events', '400', '--seed', '9', '--api-key', INGEST]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/sent 400 events in .* 400 accepted, 0 duplicates, 0 rejected/);
      expect(r.stdout).toContain('crew: planner-1, analyst-1, coach-1, researcher-1, critic-1');
      expect(r.stdout).toContain(`dashboard: ${server.url}/`);
    });

    it(`names the bad flag (${target})`, async () => {
      const r = await runAuren(target, ['simulate', '--agents', '2']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--agents: "2" must be an integer ≥ 3/);
      const u = await runAuren(target, ['simulate', '--duration', 'soon']);
      expect(u.code).toBe(2);
      expect(u.stderr).toMatch(/--duration: "soon" is not a duration/);
      const help = await runAuren(target, ['simulate', '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain('--rate N');
    });
  }
});
