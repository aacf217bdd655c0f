/** The Node runtime: @hono/node-server with @hono/node-ws, better-sqlite3, gzip for Parquet. */
import { serve } from '@hono/node-server';
import { createNodeWebSocket } from '@hono/node-ws';
import type { Server } from 'node:http';
import type { WebSocket } from 'ws';
import type { Runtime, RuntimeServer, SocketSink } from '../types.js';
import { recordClientAddress } from '../client-address.js';
import { openSqlite } from './sqlite.js';
import { serveUpgrades } from './upgrade.js';

/**
 * Only the helper's upgradeWebSocket and its WebSocketServer are used: serve() answers upgrades itself
 * (./upgrade.ts), so the `app` @hono/node-ws would call from its own upgrade listener is never needed.
 */
const ws = createNodeWebSocket({ app: {} as never });

// @hono/node-ws reports socket errors with `new ErrorEvent(…)`, a global Node 20 lacks.
globalThis.ErrorEvent ??= class ErrorEvent extends Event {
  readonly error: unknown;
  readonly message: string;
  constructor(type: string, init: { error?: unknown; message?: string } = {}) {
    super(type);
    this.error = init.error;
    this.message = init.message ?? String((init.error as Error | undefined)?.message ?? '');
  }
} as unknown as typeof globalThis.ErrorEvent;

/** A closed peer that never answers the close handshake (e.g. stopped reading) is cut off after this. */
const CLOSE_GRACE_MS = 5000;

function sinkOf(raw: unknown): SocketSink {
  const sock = raw as WebSocket;
  return {
    textMode: 'bytes',
    send(data) {
      if (sock.readyState !== 1) return false;
      sock.send(data, { binary: false });
      return true;
    },
    buffered: () => sock.bufferedAmount,
    close(code, reason) {
      sock.close(code, reason);
      setTimeout(() => sock.readyState !== 3 && sock.terminate(), CLOSE_GRACE_MS).unref();
    },
  };
}

export const nodeRuntime: Runtime = {
  name: 'node',
  openSqlite,
  upgradeWebSocket: ws.upgradeWebSocket as Runtime['upgradeWebSocket'],
  sinkOf,
  serve({ fetch, host, port, maxPayloadBytes }) {
    // @hono/node-ws builds its WebSocketServer with ws's defaults (100 MiB frames); cap it.
    (ws.wss.options as { maxPayload: number }).maxPayload = maxPayloadBytes;
    return new Promise<RuntimeServer>((resolve, reject) => {
      const appFetch = fetch as (req: Request, env?: unknown) => Response | Promise<Response>;
      // @hono/node-server hands the app a Request without its socket: record the peer address here.
      const tracked = (req: Request, env?: { incoming?: { socket?: { remoteAddress?: string } } }) => {
        recordClientAddress(req, env?.incoming?.socket?.remoteAddress);
        return appFetch(req, env);
      };
      const server = serve({ fetch: tracked as never, hostname: host, port }, (info) => {
        resolve({
          port: info.port,
          stop: () =>
            new Promise<void>((done) => {
              const srv = server as Server;
              // Streams end when the hub closes them; their sockets then idle on keep-alive, so
              // keep closing idle connections until the last one is gone.
              const sweep = setInterval(() => srv.closeIdleConnections(), 50);
              srv.close(() => {
                clearInterval(sweep);
                done();
              });
              srv.closeIdleConnections();
            }),
          closeAll() {
            // Upgraded sockets left the HTTP server's bookkeeping; closeAllConnections misses them.
            (server as Server).closeAllConnections();
            for (const socket of upgraded) socket.destroy();
          },
        });
      }) as Server;
      server.headersTimeout = 10_000;
      server.requestTimeout = 60_000;
      server.on('error', reject);
      const upgraded = serveUpgrades(server, ws.wss, appFetch);
    });
  },
};
