/**
 * Stream delivery on the built product — on the Bun binary this goes through native topic publish,
 * on the Node build through the send loop; both must keep the same promises.
 */
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { spawnAuren, TARGETS } from '../helpers/binary.js';
import { tempDir } from '../helpers/config.js';
import { connectStream, postEvents } from '../helpers/ws-client.js';

const base = () => ['serve', '--port', '0', '--data-dir', tempDir(), '--archive', 'none'];

describe.each(TARGETS)('stream delivery (%s)', (target) => {
  it('fans out to many clients across filter groups, each getting exactly its events', async () => {
    const srv = await spawnAuren(target, base());
    const all = await Promise.all(Array.from({ length: 20 }, () => connectStream(srv.url)));
    const crit = await Promise.all(Array.from({ length: 10 }, () => connectStream(srv.url, 'tiers=critical')));
    const agentB = await Promise.all(Array.from({ length: 10 }, () => connectStream(srv.url, 'agents=b')));
    const batch = Array.from({ length: 600 }, (_, i) => ({ type: i % 7 === 0 ? 'step.error' : i % 3 ? 'agent.step' : 'memory.formed', agent_id: i % 2 ? 'a' : 'b', id: `fan-${i}`, data: { i } }));
    expect((await postEvents(srv.url, batch)).status).toBe(202);
    const nCrit = batch.filter((e) => e.type === 'step.error').length;
    const nB = batch.filter((e) => e.agent_id === 'b').length;
    for (const c of all) await c.until(() => c.events().length === 600);
    for (const c of crit) await c.until(() => c.events().length === nCrit);
    for (const c of agentB) await c.until(() => c.events().length === nB);
    await new Promise((r) => setTimeout(r, 700));
    for (const c of all) expect(new Set(c.events().map((e) => e.seq)).size).toBe(600);
    for (const c of crit) expect(c.events().length).toBe(nCrit);
    for (const c of agentB) expect(c.events().every((e) => e.agent_id === 'b')).toBe(true);
    for (const c of [...all, ...crit, ...agentB]) c.close();
    await srv.stop();
  });

  it('reports rate-limit drops in a lagged frame and keeps delivering afterwards', async () => {
    const srv = await spawnAuren(target, [...base(), '--client-rate-frames', '2']);
    const c = await connectStream(srv.url, 'tiers=operational');
    // Distinct events (identical ones would be coalesced as a storm, see src/storm).
    let n = 0;
    const burst = () => Array.from({ length: 50 }, () => ({ type: 'burst.step', data: { n: n++ } }));
    for (let i = 0; i < 6; i++) await postEvents(srv.url, burst());
    await new Promise((r) => setTimeout(r, 1200));
    await postEvents(srv.url, burst());
    await c.until((f) => f.some((x) => x.type === 'lagged'));
    const lag = c.frames.find((f) => f.type === 'lagged') as { dropped: number };
    await c.until(() => c.events().length + lag.dropped === 350, 3000);
    c.close();
    await srv.stop();
  });

  it('closes a client that stops reading with 4008 while others keep receiving', async () => {
    const srv = await spawnAuren(target, [...base(), '--client-buffer', '256KiB']);
    const healthy = await connectStream(srv.url, 'tiers=critical');
    const ws = new WebSocket(srv.url.replace('http', 'ws') + '/v1/stream?tiers=critical');
    await new Promise((r) => ws.once('open', r));
    const sock = (ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    sock.pause();
    let code: number | undefined;
    const closed = new Promise<number>((r) => ws.on('close', (c) => r((code = c))));
    const payload = 'x'.repeat(8000);
    let sent = 0;
    for (let i = 0; i < 300; i++) {
      await postEvents(srv.url, Array.from({ length: 50 }, () => ({ type: 'flood.error', data: { payload, n: sent++ } })));
      const m = /auren_stream_disconnects_total\{reason="slow_consumer"\} (\d+)/.exec(await (await fetch(srv.url + '/metrics')).text());
      if (m && Number(m[1]) > 0) break;
    }
    sock.resume();
    expect(await closed).toBe(4008);
    expect(code).toBe(4008);
    await healthy.until(() => healthy.events().length === sent, 20_000);
    healthy.close();
    await srv.stop();
  });
});
