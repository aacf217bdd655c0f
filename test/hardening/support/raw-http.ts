/** Raw TCP HTTP clients for inputs fetch refuses to send: slow uploads, malformed requests, odd headers. */
import { connect, type Socket } from 'node:net';

export interface RawResponse {
  /** Status code of the first response, 0 if none arrived. */
  status: number;
  text: string;
  /** Whether the server closed the connection. */
  closed: boolean;
  ms: number;
}

function open(url: string): Promise<Socket> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const s = connect(Number(u.port), u.hostname, () => resolve(s));
    s.once('error', reject);
  });
}

/** Sends `bytes` at once and collects the reply until the server closes or `waitMs` passes. */
export async function rawRequest(url: string, bytes: string | Buffer, waitMs = 5000): Promise<RawResponse> {
  const started = Date.now();
  const s = await open(url);
  let text = '';
  return new Promise((resolve) => {
    const done = (closed: boolean) => {
      clearTimeout(timer);
      s.destroy();
      resolve({ status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0), text, closed, ms: Date.now() - started });
    };
    const timer = setTimeout(() => done(false), waitMs);
    s.on('data', (d) => {
      text += d.toString('latin1');
      // One complete response with a Content-Length body is enough.
      const head = text.indexOf('\r\n\r\n');
      const len = /content-length: (\d+)/i.exec(text.slice(0, head));
      if (head !== -1 && len && text.length >= head + 4 + Number(len[1])) done(false);
    });
    s.on('close', () => done(true));
    s.on('error', () => {});
    s.write(bytes);
  });
}

export interface SlowResult {
  /** ms until the server closed the connection or answered; undefined if it held on past maxMs. */
  cutAfterMs: number | undefined;
  /** The first bytes the server sent back (e.g. a 408). */
  reply: string;
}

/**
 * A slowloris client: sends `head` then one `drip` every `everyMs`, forever, until the server closes the
 * connection, answers, or `maxMs` passes.
 */
export async function slowSend(url: string, head: string, drip: string, everyMs: number, maxMs: number): Promise<SlowResult> {
  const started = Date.now();
  const s = await open(url);
  let reply = '';
  return new Promise((resolve) => {
    let settled = false;
    const finish = (cut: boolean) => {
      if (settled) return;
      settled = true;
      clearInterval(tick);
      clearTimeout(limit);
      s.destroy();
      resolve({ cutAfterMs: cut ? Date.now() - started : undefined, reply });
    };
    const tick = setInterval(() => s.write(drip), everyMs);
    const limit = setTimeout(() => finish(false), maxMs);
    s.on('data', (d) => {
      reply += d.toString('latin1');
      finish(true);
    });
    s.on('close', () => finish(true));
    s.on('error', () => finish(true));
    s.write(head);
  });
}
