/**
 * WebSocket upgrades on Node. The app's fetch decides, as it does on Bun; when it does not take the
 * upgrade, its whole answer (status, headers such as WWW-Authenticate or Retry-After, JSON error)
 * goes back on the raw socket, which @hono/node-ws would have reduced to a bare status line.
 */
import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocketServer } from 'ws';
import { recordClientAddress } from '../client-address.js';

type Fetch = (req: Request, env: unknown) => Response | Promise<Response>;

/** A refusal body is a short JSON error; a route that streams is cut off here. */
const MAX_REFUSAL_BODY = 64 * 1024;
const REFUSAL_BODY_WAIT_MS = 2000;

function requestOf(incoming: IncomingMessage): Request {
  const headers = new Headers();
  const raw = incoming.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i], raw[i + 1]);
  const path = incoming.url?.startsWith('/') ? incoming.url : '/';
  let url: URL;
  try {
    url = new URL(`http://${incoming.headers.host ?? 'localhost'}${path}`);
  } catch {
    // The host guard answers a bad Host header; the URL only needs to parse.
    url = new URL(`http://localhost${path}`);
  }
  return new Request(url, { method: incoming.method, headers });
}

/** Reads at most MAX_REFUSAL_BODY bytes or REFUSAL_BODY_WAIT_MS, then cancels the rest. */
async function boundedBody(res: Response): Promise<Buffer> {
  if (!res.body) return Buffer.alloc(0);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const deadline = new Promise<'late'>((r) => setTimeout(() => r('late'), REFUSAL_BODY_WAIT_MS).unref());
  while (size < MAX_REFUSAL_BODY) {
    const next = await Promise.race([reader.read(), deadline]);
    if (next === 'late' || next.done) break;
    chunks.push(next.value);
    size += next.value.byteLength;
  }
  void reader.cancel().catch(() => {});
  return Buffer.concat(chunks).subarray(0, MAX_REFUSAL_BODY);
}

async function writeResponse(socket: Duplex, res: Response): Promise<void> {
  const body = await boundedBody(res);
  if (socket.destroyed) return;
  const lines = [`HTTP/1.1 ${res.status} ${STATUS_CODES[res.status] ?? ''}`];
  res.headers.forEach((value, name) => {
    if (name !== 'content-length' && name !== 'connection' && name !== 'transfer-encoding') lines.push(`${name}: ${value}`);
  });
  lines.push(`Content-Length: ${body.length}`, 'Connection: close', '', '');
  socket.end(Buffer.concat([Buffer.from(lines.join('\r\n'), 'latin1'), body]), () => socket.destroy());
}

/**
 * Serves upgrades on `server` and returns the set of upgraded sockets still open (for a forced stop).
 * @hono/node-ws's upgradeWebSocket marks `env` with a symbol when it takes the request; only then is
 * the socket handed to the WebSocketServer.
 */
export function serveUpgrades(server: Server, wss: WebSocketServer, fetch: Fetch): Set<Duplex> {
  const open = new Set<Duplex>();
  server.on('upgrade', (incoming: IncomingMessage, socket: Duplex, head: Buffer) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    socket.on('error', () => socket.destroy());
    void (async () => {
      const env: Record<string | symbol, unknown> = { incoming, outgoing: undefined };
      let res: Response;
      try {
        const req = requestOf(incoming);
        recordClientAddress(req, incoming.socket.remoteAddress);
        res = await fetch(req, env);
      } catch {
        res = Response.json({ error: 'the WebSocket upgrade failed on the server; retry, and report it if it persists' }, { status: 500 });
      }
      if (Object.getOwnPropertySymbols(env).length > 0) {
        wss.handleUpgrade(incoming, socket, head, (ws) => wss.emit('connection', ws, incoming));
        return;
      }
      await writeResponse(socket, res);
    })().catch(() => socket.destroy());
  });
  return open;
}
