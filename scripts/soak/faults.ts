/**
 * The faults the soak injects, one at a time at random: crashes, graceful restarts, a full disk,
 * hostile request bursts, clients that never read, and abusive WebSocket clients. Each returns a short
 * note for the log; anything the server does wrong (a 5xx, a bad exit code) is counted in `problems`.
 */
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import WebSocket from 'ws';
import type { LoopDisk } from './loop-disk.js';
import type { ServerProcess } from './server-process.js';

export type FaultName = 'kill9' | 'sigterm' | 'disk-full' | 'hostile-input' | 'slow-consumers' | 'ws-abuse';
export const ALL_FAULTS: FaultName[] = ['kill9', 'sigterm', 'disk-full', 'hostile-input', 'slow-consumers', 'ws-abuse'];

export interface FaultContext {
  server: ServerProcess;
  disk: LoopDisk | undefined;
  problems: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitReady(url: string, ms: number): Promise<boolean> {
  const start = Date.now();
  while (Date.now() - start < ms) {
    try {
      const r = await fetch(`${url}/readyz`);
      await r.body?.cancel();
      if (r.status === 200) return true;
    } catch {
      // not up yet
    }
    await sleep(200);
  }
  return false;
}

const HOSTILE: { body: string | Uint8Array; type: string }[] = [
  { body: '{"type":', type: 'application/json' },
  { body: '['.repeat(50_000), type: 'application/json' },
  { body: `{"type":"a.b","data":${'['.repeat(5000)}${']'.repeat(5000)}}`, type: 'application/json' },
  { body: '{"type":"a.b","data":{"n":1e999}}', type: 'application/json' },
  { body: '{"type":"a.b","id":"x\\ud800"}', type: 'application/json' },
  { body: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), type: 'application/json' },
  { body: '{}\n'.repeat(150_000), type: 'application/x-ndjson' },
  { body: '{"type":"a.b","__proto__":{"tier":"critical"}}', type: 'application/json' },
  { body: 'x'.repeat(6 * 1024 * 1024), type: 'application/json' },
  { body: '{"type":"a.b"}', type: 'text/html' },
];

export async function injectFault(name: FaultName, ctx: FaultContext): Promise<string> {
  const { server } = ctx;
  switch (name) {
    case 'kill9': {
      await server.kill9();
      await sleep(200 + Math.random() * 800);
      await server.start();
      return 'killed with SIGKILL and restarted';
    }
    case 'sigterm': {
      const code = await server.stop();
      if (code !== 0) ctx.problems.push(`SIGTERM exit code ${code}: ${server.stderrTail.slice(-300)}`);
      await server.start();
      return `stopped with SIGTERM (exit ${code}) and restarted`;
    }
    case 'disk-full': {
      if (!ctx.disk) return 'skipped (no loop disk)';
      ctx.disk.fill();
      let refused = 0;
      for (let i = 0; i < 30; i++) {
        const r = await fetch(`${server.url}/readyz`).catch(() => undefined);
        await r?.body?.cancel();
        if (r?.status === 503) refused++;
        await sleep(100);
      }
      await sleep(2000);
      ctx.disk.free();
      if (!(await waitReady(server.url, 20_000))) ctx.problems.push('not ready 20 s after the disk had space again');
      return `disk full for ~5 s (readiness red in ${refused}/30 probes), then freed`;
    }
    case 'hostile-input': {
      let fives = 0;
      for (const h of HOSTILE) {
        const r = await fetch(`${server.url}/v1/events`, { method: 'POST', headers: { 'content-type': h.type }, body: h.body as BodyInit }).catch(() => undefined);
        if (r && r.status >= 500 && r.status !== 503) {
          fives++;
          ctx.problems.push(`hostile input got ${r.status}: ${(await r.text()).slice(0, 200)}`);
        } else await r?.body?.cancel();
      }
      return `${HOSTILE.length} hostile bodies, ${fives} answered 5xx`;
    }
    case 'slow-consumers': {
      // Raw TCP WebSocket handshakes that are never read from: the server's send buffers fill up.
      const u = new URL(server.url);
      const socks = Array.from({ length: 30 }, () => {
        const s = connect(Number(u.port), u.hostname, () => {
          s.write(`GET /v1/stream?since=0 HTTP/1.1\r\nHost: ${u.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
          s.pause();
        });
        s.on('error', () => {});
        return s;
      });
      await sleep(5000);
      for (const s of socks) s.destroy();
      return '30 clients replaying since=0 that never read, for 5 s';
    }
    case 'ws-abuse': {
      const closes: number[] = [];
      await Promise.all(
        ['flood', 'garbage', 'huge'].map(
          (kind) =>
            new Promise<void>((resolve) => {
              const ws = new WebSocket(`${server.url.replace('http', 'ws')}/v1/stream`);
              ws.on('error', () => {});
              ws.on('open', () => {
                if (kind === 'flood') for (let i = 0; i < 500; i++) ws.send('{"op":"subscribe","since":0}');
                if (kind === 'garbage') for (let i = 0; i < 20; i++) ws.send(Buffer.from([0xff, i]));
                if (kind === 'huge') ws.send('x'.repeat(2 * 1024 * 1024));
              });
              ws.on('close', (code) => {
                closes.push(code);
                resolve();
              });
              setTimeout(() => {
                ws.terminate();
                resolve();
              }, 10_000);
            }),
        ),
      );
      return `abusive WebSocket clients closed with ${closes.join(', ')}`;
    }
  }
}
