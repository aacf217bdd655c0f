/**
 * An HTTP proxy in front of a real server that can misbehave on cue: answer 429 or 503, forward
 * and then pretend it failed (so the client retries what the server already stored), or go down.
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { afterAll, beforeAll } from 'vitest';

export type Mode = 'ok' | '429' | '503' | 'commit-then-503' | 'down';

export class FlakyProxy {
  mode: Mode = 'ok';
  /** Requests seen, by mode, and content encodings seen. */
  readonly seen: Record<string, number> = {};
  readonly encodings = new Set<string>();
  private server: Server | undefined;
  private sockets = new Set<Socket>();
  port = 0;

  /** `target` is the upstream's base URL, or something whose `url` is read at each request. */
  constructor(private readonly target: string | { readonly url: string }) {}

  async start(port = 0): Promise<void> {
    const server = createServer((req, res) => void this.handle(req, res));
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Stops listening and cuts open connections: clients get connection refused / reset. */
  async down(): Promise<void> {
    this.mode = 'down';
    const s = this.server;
    this.server = undefined;
    for (const sock of this.sockets) sock.destroy();
    if (s) await new Promise((r) => s.close(r));
  }

  async up(): Promise<void> {
    this.mode = 'ok';
    await this.start(this.port);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const mode = this.mode;
    this.seen[mode] = (this.seen[mode] ?? 0) + 1;
    this.encodings.add(String(req.headers['content-encoding'] ?? 'identity'));
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (mode === '429') return void res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' }).end('{"error":"shedding load"}');
    if (mode === '503') return void res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"unavailable"}');
    const upstream = await forward(typeof this.target === 'string' ? this.target : this.target.url, req, Buffer.concat(chunks));
    if (mode === 'commit-then-503') return void res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"lost the answer"}');
    res.writeHead(upstream.status, upstream.headers).end(upstream.body);
  }
}

/**
 * A proxy for the enclosing `describe`, in front of `target` (a server from `useTestServer()`, say):
 * listening before its tests, down after them.
 */
export function useFlakyProxy(target: { readonly url: string }): FlakyProxy {
  const proxy = new FlakyProxy(target);
  beforeAll(() => proxy.start());
  afterAll(() => proxy.down());
  return proxy;
}

function forward(target: string, req: IncomingMessage, body: Buffer): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const headers = { ...req.headers } as Record<string, string>;
    delete headers.host;
    const r = request(`${target}${req.url}`, { method: req.method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: { 'content-type': String(res.headers['content-type'] ?? 'application/json') }, body: Buffer.concat(chunks) }));
    });
    r.on('error', reject);
    r.end(body);
  });
}
