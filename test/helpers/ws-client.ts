/** A WebSocket stream client for tests that collects frames and can wait for a condition. */
import { afterAll, beforeAll } from 'vitest';
import WebSocket from 'ws';

export interface Collected {
  ws: WebSocket;
  frames: Record<string, unknown>[];
  closed: Promise<{ code: number; reason: string }>;
  /** Waits until pred(frames) holds (polls), or fails after timeoutMs. */
  until(pred: (frames: Record<string, unknown>[]) => boolean, timeoutMs?: number): Promise<void>;
  /** Events from every `events` frame, in arrival order. */
  events(): Record<string, unknown>[];
  send(obj: unknown): void;
  close(): void;
}

export async function connectStream(url: string, query = '', headers: Record<string, string> = {}): Promise<Collected> {
  const wsUrl = url.replace(/^http/, 'ws') + '/v1/stream' + (query ? `?${query}` : '');
  const ws = new WebSocket(wsUrl, { headers });
  const frames: Record<string, unknown>[] = [];
  ws.on('message', (data) => frames.push(JSON.parse(String(data))));
  const closed = new Promise<{ code: number; reason: string }>((r) => ws.on('close', (code, reason) => r({ code, reason: String(reason) })));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused with ${res.statusCode}`)));
  });
  return {
    ws,
    frames,
    closed,
    async until(pred, timeoutMs = 5000) {
      const start = Date.now();
      while (!pred(frames)) {
        if (Date.now() - start > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms; ${frames.length} frames: ${JSON.stringify(frames).slice(0, 600)}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    events: () => frames.filter((f) => f.type === 'events').flatMap((f) => f.events as Record<string, unknown>[]),
    send: (obj) => ws.send(typeof obj === 'string' ? obj : JSON.stringify(obj)),
    close: () => ws.close(),
  };
}

export async function postEvents(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: Record<string, unknown> }> {
  const isText = typeof body === 'string';
  const res = await fetch(url + '/v1/events', {
    method: 'POST',
    headers: { 'content-type': isText ? 'application/x-ndjson' : 'application/json', ...headers },
    body: isText ? body : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

/**
 * A stream client for the enclosing `describe`, connected to `server` before its tests and closed
 * after them. The returned object is filled in by `beforeAll`: read it inside tests only.
 */
export function useStream(server: { readonly url: string }, query = '', headers: Record<string, string> = {}): Collected {
  const c = {} as Collected;
  beforeAll(async () => {
    Object.assign(c, await connectStream(server.url, query, headers));
  });
  afterAll(() => {
    c.close();
  });
  return c;
}
