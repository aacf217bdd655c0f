/**
 * Reads a request body with a hard byte limit, gunzips it when asked (the limit applies to the
 * decoded bytes, so a gzip bomb stops at the limit), and decodes strict UTF-8. An optional watch
 * (see ingest-gate.ts) sees the bytes as they arrive and can cut a body off mid-read.
 */
import { HttpError } from '../core/errors.js';

/** What the in-flight accounting needs to see while a body is read. */
export interface BodyWatch {
  /** `n` more bytes came off the wire (before gunzip). */
  received(n: number): void;
  /** The decoded bytes held so far; throws (429) when they no longer fit the memory budget. */
  holding(total: number): void;
  /** Aborted when the body must be cut off; its reason (an HttpError) is the answer. */
  readonly signal: AbortSignal;
}

/** The declared Content-Length (0 when absent), refused with 413 before anything is read. */
export function declaredLength(req: Request, maxBytes: number): number {
  const declared = Number(req.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) throw tooLarge(maxBytes);
  return Number.isFinite(declared) && declared > 0 ? declared : 0;
}

export async function readBody(req: Request, maxBytes: number, watch?: BodyWatch): Promise<Uint8Array> {
  declaredLength(req, maxBytes);
  const encoding = (req.headers.get('content-encoding') ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity' && encoding !== 'gzip') {
    throw new HttpError(415, `Content-Encoding "${encoding.slice(0, 40)}" is not supported; send gzip or no encoding`);
  }
  if (!req.body) return new Uint8Array(0);
  const gzip = encoding === 'gzip';
  let stream: ReadableStream<Uint8Array> = req.body;
  if (gzip) {
    // Wire bytes are counted and capped before they are decoded (a slow huge upload is cut off
    // early); the loop below caps the decoded bytes. A plain body needs no stream stages: the loop
    // counts and caps it as it reads (two TransformStreams per request cost more than the read).
    if (watch) stream = stream.pipeThrough(countBytes(watch));
    stream = stream.pipeThrough(limitBytes(maxBytes)).pipeThrough(new DecompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = stream.getReader();
  // Cancelling the reader ends a pending read at once, even when the client sends nothing more.
  const cut = () => void reader.cancel().catch(() => {});
  watch?.signal.addEventListener('abort', cut);
  let finished = false;
  let refused = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (watch?.signal.aborted) throw watch.signal.reason;
      if (done) break;
      if (!gzip) watch?.received(value.byteLength);
      total += value.byteLength;
      refused = true;
      if (total > maxBytes) throw tooLarge(maxBytes);
      chunks.push(value);
      watch?.holding(total);
      refused = false;
    }
    finished = true;
  } catch (err) {
    throw readError(err, gzip, watch);
  } finally {
    watch?.signal.removeEventListener('abort', cut);
    // Refused for its size (413) or for memory (429) while the client is still sending: a plain
    // body's rest is read and dropped, so the connection can take the client's next request. Slow
    // bodies (408), gzip (whose rest would be inflated to be dropped) and broken reads are cut.
    if (!finished) {
      if (refused && !gzip) drainRest(reader);
      else cut();
    }
  }
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let pos = 0;
  for (const c of chunks) {
    out.set(c, pos);
    pos += c.byteLength;
  }
  return out;
}

/** How much of a refused body's rest is read and dropped, and how long it may take, before it is cut. */
export const DRAIN_MAX_BYTES = 64 * 1024 * 1024;
export const DRAIN_MS = 10_000;

/**
 * Reads what is left of a refused body and drops it, at most DRAIN_MAX_BYTES within DRAIN_MS; past
 * either the body is cut. Cutting at once ends the connection on Node without `Connection: close`
 * (the request is never read to its end, so the connection is closed half a second later), and a
 * keep-alive client that sent its next request on it sees that request fail.
 */
function drainRest(reader: ReadableStreamDefaultReader<Uint8Array>): void {
  let left = DRAIN_MAX_BYTES;
  const timer = setTimeout(() => void reader.cancel().catch(() => {}), DRAIN_MS);
  timer.unref?.();
  void (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      left -= value.byteLength;
      if (left < 0) return void (await reader.cancel());
    }
  })()
    .catch(() => {})
    .finally(() => clearTimeout(timer));
}

function readError(err: unknown, gzip: boolean, watch: BodyWatch | undefined): HttpError {
  if (watch?.signal.aborted) return watch.signal.reason as HttpError;
  if (err instanceof HttpError) return err;
  if (gzip) return new HttpError(400, `the gzip body could not be decoded: ${(err as Error).message}`);
  return new HttpError(400, `the request body could not be read: ${(err as Error).message}`);
}

function tooLarge(maxBytes: number): HttpError {
  return new HttpError(413, `the request body is over the limit of ${maxBytes} bytes; send smaller batches`);
}

function limitBytes(maxBytes: number): TransformStream<Uint8Array, Uint8Array> {
  let seen = 0;
  return new TransformStream({
    transform(chunk, controller) {
      seen += chunk.byteLength;
      if (seen > maxBytes) controller.error(tooLarge(maxBytes));
      else controller.enqueue(chunk);
    },
  });
}

function countBytes(watch: BodyWatch): TransformStream<Uint8Array, Uint8Array> {
  return new TransformStream({
    transform(chunk, controller) {
      watch.received(chunk.byteLength);
      controller.enqueue(chunk);
    },
  });
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new HttpError(400, 'the request body is not valid UTF-8');
  }
}
