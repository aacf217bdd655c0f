/** The Bun runtime: Bun.serve with Hono's Bun WebSocket adapter, bun:sqlite, zstd for Parquet. */
import { upgradeWebSocket, websocket } from 'hono/bun';
import type { ServerWebSocket } from 'bun';
import type { Runtime, RuntimeServer, SocketSink } from '../types.js';
import { recordClientAddress } from '../client-address.js';
import { openSqlite } from './sqlite.js';

/** A closed peer that never answers the close handshake (e.g. stopped reading) is cut off after this. */
const CLOSE_GRACE_MS = 5000;

function sinkOf(raw: unknown): SocketSink {
  const sock = raw as ServerWebSocket<unknown>;
  return {
    textMode: 'string',
    // Bun answers -1 (queued under backpressure), 0 (dropped) or the bytes sent: only 0 is a loss.
    send: (data) => (typeof data === 'string' ? sock.sendText(data) : sock.send(data)) !== 0,
    buffered: () => sock.getBufferedAmount(),
    subscribe: (topic) => sock.subscribe(topic),
    unsubscribe: (topic) => sock.unsubscribe(topic),
    close(code, reason) {
      sock.close(code, reason);
      setTimeout(() => sock.readyState !== 3 && sock.terminate(), CLOSE_GRACE_MS);
    },
  };
}

let current: ReturnType<typeof Bun.serve> | undefined;

export const bunRuntime: Runtime = {
  name: 'bun',
  openSqlite,
  upgradeWebSocket: upgradeWebSocket as Runtime['upgradeWebSocket'],
  sinkOf,
  publish: (topic, data) => void current?.publish(topic, data),
  zstdCompress: (data, level = 3) => Bun.zstdCompressSync(data, { level }),
  async serve({ fetch, host, port, maxPayloadBytes }): Promise<RuntimeServer> {
    const server = Bun.serve({
      hostname: host,
      port,
      // The app reads the peer address through clientAddress(req) (src/runtime/client-address.ts).
      fetch: ((req: Request, srv: ReturnType<typeof Bun.serve>) => {
        recordClientAddress(req, srv.requestIP(req)?.address);
        // hono/bun finds the server (for upgrades) in the env argument.
        return (fetch as (req: Request, env: unknown) => Response | Promise<Response>)(req, srv);
      }) as never,
      // SSE streams stay open between heartbeats; Bun's default 10 s idle timeout would cut them.
      idleTimeout: 120,
      websocket: {
        ...websocket,
        maxPayloadLength: maxPayloadBytes,
        // The hub enforces per-client budgets itself; this is only the hard ceiling behind them.
        backpressureLimit: 64 * 1024 * 1024,
        closeOnBackpressureLimit: true,
        idleTimeout: 120,
        sendPings: true,
      } as never,
    });
    current = server;
    return {
      port: server.port!,
      stop: async () => {
        await server.stop(false);
      },
      // Also ends the pending graceful stop() above.
      closeAll: () => void server.stop(true),
    };
  },
};
