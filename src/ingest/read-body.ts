/**
 * Reads a request body with a hard byte limit, gunzips it when asked (the limit applies to the
 * decoded bytes, so a gzip bomb stops at the limit), and decodes strict UTF-8.
 */
import { HttpError } from '../core/errors.js';

export async function readBody(req: Request, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(req.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const encoding = (req.headers.get('content-encoding') ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity' && encoding !== 'gzip') {
    throw new HttpError(415, `Content-Encoding "${encoding.slice(0, 40)}" is not supported; send gzip or no encoding`);
  }
  if (!req.body) return new Uint8Array(0);
  let stream: ReadableStream<Uint8Array> = req.body;
  // The compressed body is capped too, so a slow huge upload is cut off early.
  stream = stream.pipeThrough(limitBytes(maxBytes));
  if (encoding === 'gzip') stream = stream.pipeThrough(new DecompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>).pipeThrough(limitBytes(maxBytes));
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      total += value.byteLength;
    }
  } catch (err) {
    if (err instanceof HttpError) throw err;
    if (encoding === 'gzip') throw new HttpError(400, `the gzip body could not be decoded: ${(err as Error).message}`);
    throw new HttpError(400, `the request body could not be read: ${(err as Error).message}`);
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

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new HttpError(400, 'the request body is not valid UTF-8');
  }
}
