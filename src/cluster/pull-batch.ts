/**
 * One raw `no_wait` pull from a JetStream consumer: what is there now, at once. nats.js `fetch`
 * waits out its `expires` when NATS 2.9 ends a fresh pull early with "408 Request Timeout" (seen
 * here on new ephemeral consumers); a raw pull sees the 408 at once and the caller just pulls again.
 */
import { createInbox, type Msg, type NatsConnection } from 'nats';

export interface PulledMessage {
  subject: string;
  /** Stream sequence. */
  seq: number;
  /** Messages the consumer still had after this one. */
  pending: number;
  data: Uint8Array;
}

export interface PullResult {
  messages: PulledMessage[];
  /** Status that ended the pull early (404 no messages, 408 timeout, 409 …), if any. */
  status?: number;
}

/**
 * `$JS.ACK.<stream>.<consumer>.<delivered>.<sseq>.<dseq>.<ts>.<pending>`, or the v2 form with
 * domain and account hash before the stream (and a random token at the end).
 */
export function parseAckSubject(reply: string): { seq: number; pending: number } | undefined {
  const t = reply.split('.');
  if (t[0] !== '$JS' || t[1] !== 'ACK') return undefined;
  if (t.length === 9) return { seq: Number(t[5]), pending: Number(t[8]) };
  if (t.length >= 11) return { seq: Number(t[7]), pending: Number(t[10]) };
  return undefined;
}

export function pullBatch(nc: NatsConnection, stream: string, consumer: string, batch: number, timeoutMs = 5000): Promise<PullResult> {
  return new Promise((resolve, reject) => {
    const inbox = createInbox();
    const messages: PulledMessage[] = [];
    let finished = false;
    const finish = (status?: number, err?: Error) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      sub.unsubscribe();
      if (err) reject(err);
      else resolve({ messages, status });
    };
    const sub = nc.subscribe(inbox, {
      callback: (err, m: Msg) => {
        if (err) return finish(undefined, err);
        const code = m.headers?.code ?? 0;
        if (code > 0 && m.data.length === 0) return finish(code);
        const info = parseAckSubject(m.reply ?? '');
        if (!info) return; // heartbeat or other control message
        messages.push({ subject: m.subject, seq: info.seq, pending: info.pending, data: m.data });
        if (messages.length >= batch) finish();
      },
    });
    const timer = setTimeout(() => finish(408), timeoutMs);
    const body = JSON.stringify({ batch, no_wait: true });
    try {
      nc.publish(`$JS.API.CONSUMER.MSG.NEXT.${stream}.${consumer}`, body, { reply: inbox });
    } catch (err) {
      finish(undefined, err as Error);
    }
  });
}
