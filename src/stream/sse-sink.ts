/**
 * A Server-Sent Events response as a SocketSink. The stream's queue is measured in bytes, so
 * `buffered()` is what the client has not yet taken, the same signal a WebSocket gives.
 */
import type { SocketSink } from '../runtime/types.js';

const encoder = new TextEncoder();

export function createSseSink(onCancel: () => void): { sink: SocketSink; body: ReadableStream<Uint8Array> } {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let closed = false;
  const hwm = 1 << 30;
  const body = new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
        // Tells EventSource how long to wait before reconnecting, and opens the stream at once.
        c.enqueue(encoder.encode('retry: 2000\n: auren stream\n\n'));
      },
      cancel() {
        closed = true;
        onCancel();
      },
    },
    new ByteLengthQueuingStrategy({ highWaterMark: hwm }),
  );
  const sink: SocketSink = {
    textMode: 'bytes',
    send(data) {
      if (closed) return false;
      controller.enqueue(typeof data === 'string' ? encoder.encode(data) : data);
      return true;
    },
    buffered: () => (closed ? 0 : hwm - (controller.desiredSize ?? hwm)),
    close(code, reason) {
      if (closed) return;
      try {
        controller.enqueue(encoder.encode(`event: close\ndata: ${JSON.stringify({ type: 'close', code, reason })}\n\n`));
        controller.close();
      } catch {
        // the client went away first
      }
      closed = true;
      onCancel();
    },
  };
  return { sink, body };
}
