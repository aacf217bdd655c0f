/** Reads back what the server stored (a `since=0` replay over the stream), for exact counting. */
import { connectStream } from '../helpers/ws-client.js';

export async function storedEvents(url: string, types: string): Promise<Record<string, unknown>[]> {
  const c = await connectStream(url, `since=0&types=${encodeURIComponent(types)}`);
  await c.until((f) => f.some((x) => x.type === 'replay_done'), 15_000);
  const events = c.events();
  c.close();
  return events;
}
