/** Contract-shaped events to POST, with explicit ts so partitions can be checked. */
const HOUR = 3_600_000;

export interface PostedEvent {
  id: string;
  type: string;
  ts: number;
  agent_id: string;
  data: Record<string, unknown>;
  model?: string;
  usage?: Record<string, number>;
}

/** n events spread over tiers and over the given hours back from now (late events included). */
export function mixedEvents(n: number, prefix: string, hoursBack: readonly number[] = [0, 3, 49]): PostedEvent[] {
  const now = Date.now();
  const types = ['agent.step', 'llm.call', 'tool.error', 'memory.formed', 'agent.thought'];
  return Array.from({ length: n }, (_, i) => {
    const type = types[i % types.length];
    const e: PostedEvent = {
      id: `${prefix}-${i}`,
      type,
      ts: now - hoursBack[i % hoursBack.length] * HOUR - (i % 1000),
      agent_id: `agent-${i % 7}`,
      data: { text: `step ${i} of ${prefix}`, n: i },
    };
    if (type === 'llm.call') Object.assign(e, { model: 'gpt-4o', usage: { input_tokens: 100 + i, output_tokens: 20 } });
    return e;
  });
}

/** The UTC partition names of an epoch-ms time. */
export function partitionOfTs(ts: number): { dt: string; hour: string } {
  const iso = new Date(ts).toISOString();
  return { dt: iso.slice(0, 10), hour: iso.slice(11, 13) };
}
