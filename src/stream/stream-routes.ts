/**
 * GET /v1/stream: a WebSocket, or Server-Sent Events with `Accept: text/event-stream`. Query filters
 * (tiers, types, agents, sessions, traces, dashboards), `since=SEQ` replay, SSE `Last-Event-ID`.
 */
import type { Context, Hono } from 'hono';
import type { AppContext } from '../app-context.js';
import type { Principal } from '../auth/api-keys.js';
import { principalOf } from '../auth/middleware.js';
import { HttpError } from '../core/errors.js';
import { clientIp } from '../auth/client-ip.js';
import { AddressSlots } from './address-slots.js';
import { parseFilter, type StreamFilter } from './filter.js';
import { Frame } from './frame.js';
import { keyBindingOf } from './key-binding.js';
import { createSseSink } from './sse-sink.js';
import { CLOSE_POLICY, type StreamClient } from './stream-client.js';
import { TokenBucket } from './token-bucket.js';

const QUERY_EXTRAS = ['since', 'token'];
/** Inbound messages a client may send per second (burst twice that) before it is closed. */
const INBOUND_RATE = 20;
const MAX_BAD_MESSAGES = 10;
/** An upgrade that never opens (the peer left mid-handshake) gives its address slot back after this. */
const OPEN_GRACE_MS = 30_000;

interface StreamRequest {
  principal: Principal;
  filter: StreamFilter;
  since: number | undefined;
  /** Gives back the client address's stream slot (see address-slots.ts). */
  release: () => void;
}

export function parseSince(v: unknown, field = 'since'): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw new HttpError(400, `${field} must be a non-negative integer seq`);
  return n;
}

/** A real stream open (WebSocket upgrade or EventSource), the only requests that may carry ?token=. */
function opensStream(c: Context): boolean {
  return c.req.header('upgrade')?.toLowerCase() === 'websocket' || (c.req.header('accept') ?? '').includes('text/event-stream');
}

function streamRequest(c: Context, ctx: AppContext): StreamRequest {
  const principal = principalOf(c, ctx.keys, 'read', { queryToken: opensStream(c) });
  let filter: StreamFilter;
  try {
    filter = parseFilter(c.req.query(), QUERY_EXTRAS);
  } catch (err) {
    throw new HttpError(400, (err as Error).message);
  }
  filter.projects = principal.readProjects;
  const since = parseSince(c.req.query('since')) ?? parseSince(c.req.header('last-event-id'), 'Last-Event-ID');
  if (ctx.hub.full) throw new HttpError(503, 'too many stream clients; retry later', { 'Retry-After': '5' });
  return { principal, filter, since, release: () => {} };
}

export function streamRoutes(app: Hono, ctx: AppContext): void {
  const { hub, clock } = ctx;
  // Closes streams whose key a reload removes or narrows (see key-binding.ts).
  const keyBinding = keyBindingOf(ctx.keys, hub, ctx.logger, ctx.metrics);
  const slots = new AddressSlots(ctx.config.maxClientsPerAddress);

  app.get(
    '/v1/stream',
    async (c, next) => {
      const req = streamRequest(c, ctx);
      if ((c.req.header('accept') ?? '').includes('text/event-stream')) {
        // The sink reports a cancelled response before connect() has returned the client.
        const ref: { client?: StreamClient } = {};
        const release = slots.take(clientIp(ctx.config, c.req.raw));
        const { sink, body } = createSseSink(() => {
          release();
          if (ref.client) hub.disconnect(ref.client);
        });
        ref.client = hub.connect('sse', sink, req.filter, req.since);
        keyBinding.bind(ref.client, req.principal);
        return new Response(body, {
          headers: { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache, no-transform', 'X-Accel-Buffering': 'no' },
        });
      }
      if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') {
        throw new HttpError(426, 'GET /v1/stream needs a WebSocket upgrade or "Accept: text/event-stream"');
      }
      req.release = slots.take(clientIp(ctx.config, c.req.raw));
      c.set('streamRequest' as never, req as never);
      return next();
    },
    ctx.upgradeWebSocket((c) => {
      const req = c.get('streamRequest' as never) as StreamRequest;
      const projects = req.filter.projects;
      let client: StreamClient | undefined;
      const inbound = new TokenBucket(INBOUND_RATE, INBOUND_RATE * 2, clock.now());
      let bad = 0;
      const reply = (obj: Record<string, unknown>) => client?.sendControl(Frame.control(obj), clock.now());
      const unopened = setTimeout(req.release, OPEN_GRACE_MS);
      unopened.unref?.();
      return {
        onOpen(_evt, ws) {
          clearTimeout(unopened);
          client = hub.connect('ws', ctx.sinkOf(ws.raw), req.filter, req.since);
          keyBinding.bind(client, req.principal);
        },
        onMessage(evt) {
          if (!client) return;
          if (!inbound.take(1, clock.now())) {
            client.close(CLOSE_POLICY, `more than ${INBOUND_RATE} messages per second`);
            return;
          }
          const problem = handleMessage(evt.data);
          if (problem) {
            reply({ type: 'error', error: problem });
            if (++bad > MAX_BAD_MESSAGES) client.close(CLOSE_POLICY, 'too many invalid messages');
          }
        },
        onClose() {
          req.release();
          if (client) hub.disconnect(client);
        },
        onError() {
          req.release();
          if (client) hub.disconnect(client);
        },
      };

      function handleMessage(data: unknown): string | undefined {
        if (typeof data !== 'string') return 'messages must be JSON text';
        let msg: unknown;
        try {
          msg = JSON.parse(data);
        } catch {
          return 'message is not valid JSON';
        }
        if (msg === null || typeof msg !== 'object' || Array.isArray(msg)) return 'message must be a JSON object with "op"';
        const { op, since, ...rest } = msg as Record<string, unknown>;
        if (op === 'ping') {
          reply({ type: 'pong' });
          return undefined;
        }
        if (op === 'subscribe') {
          let filter: StreamFilter;
          let from: number | undefined;
          try {
            filter = parseFilter(rest);
            from = parseSince(since);
          } catch (err) {
            return (err as Error).message;
          }
          filter.projects = projects;
          hub.resubscribe(client!, filter, from);
          reply({ type: 'subscribed', filter: { ...filter, projects: undefined } });
          return undefined;
        }
        return `unknown op ${JSON.stringify(op)?.slice(0, 40)}; use "subscribe" or "ping"`;
      }
    }),
  );
}
