/** A minimal Server-Sent Events reader for tests (fetch + stream parsing, like EventSource). */
export interface SseMessage {
  id?: string;
  event?: string;
  data: Record<string, unknown>;
}

export interface SseClient {
  messages: SseMessage[];
  until(pred: (m: SseMessage[]) => boolean, timeoutMs?: number): Promise<void>;
  events(): Record<string, unknown>[];
  close(): void;
  done: Promise<void>;
}

export async function connectSse(url: string, query = '', headers: Record<string, string> = {}): Promise<SseClient> {
  const ac = new AbortController();
  const res = await fetch(`${url}/v1/stream${query ? `?${query}` : ''}`, { headers: { accept: 'text/event-stream', ...headers }, signal: ac.signal });
  if (res.status !== 200) throw new Error(`SSE refused with ${res.status}: ${await res.text()}`);
  const messages: SseMessage[] = [];
  const done = (async () => {
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buf = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += value;
        let i;
        while ((i = buf.indexOf('\n\n')) !== -1) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const msg: Partial<SseMessage> = {};
          let data = '';
          for (const line of block.split('\n')) {
            if (line.startsWith('id: ')) msg.id = line.slice(4);
            else if (line.startsWith('event: ')) msg.event = line.slice(7);
            else if (line.startsWith('data: ')) data += line.slice(6);
          }
          if (data) messages.push({ ...msg, data: JSON.parse(data) } as SseMessage);
        }
      }
    } catch {
      // aborted
    }
  })();
  return {
    messages,
    done,
    async until(pred, timeoutMs = 5000) {
      const start = Date.now();
      while (!pred(messages)) {
        if (Date.now() - start > timeoutMs) throw new Error(`SSE condition not met in ${timeoutMs} ms: ${JSON.stringify(messages).slice(0, 500)}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    events: () => messages.filter((m) => m.data.type === 'events').flatMap((m) => m.data.events as Record<string, unknown>[]),
    close: () => ac.abort(),
  };
}
