/**
 * Heavy ingest for crash and shutdown tests: workers post NDJSON batches of uniquely numbered events
 * and remember exactly which ids got a 202 (those must never be lost).
 */
export interface LoadStats {
  acked: Set<string>;
  /** Ids of requests that failed or got no answer: they may or may not be stored. */
  unknown: Set<string>;
  statuses: Map<number, number>;
  requests: number;
}

export interface LoadOptions {
  url: string;
  headers?: Record<string, string>;
  workers?: number;
  batch?: number;
  /** Prefix that makes ids unique across rounds. */
  prefix: string;
  /** Pause between requests of one worker (background traffic rather than load). */
  pauseMs?: number;
  /** Event type factory; by default mixes the three tiers. */
  type?: (n: number) => string;
}

const TYPES = ['agent.step', 'llm.call', 'tool.failed', 'memory.formed', 'agent.thought'];

export class IngestLoad {
  readonly stats: LoadStats = { acked: new Set(), unknown: new Set(), statuses: new Map(), requests: 0 };
  private stopped = false;
  private running: Promise<void>[] = [];
  private n = 0;

  constructor(private readonly o: LoadOptions) {}

  start(): this {
    for (let w = 0; w < (this.o.workers ?? 4); w++) this.running.push(this.worker());
    return this;
  }

  /** Stops sending and waits for requests in flight to settle. */
  async stop(): Promise<LoadStats> {
    this.stopped = true;
    await Promise.all(this.running);
    return this.stats;
  }

  private async worker(): Promise<void> {
    const size = this.o.batch ?? 100;
    while (!this.stopped) {
      const ids: string[] = [];
      let body = '';
      for (let i = 0; i < size; i++) {
        const n = this.n++;
        const id = `${this.o.prefix}-${n}`;
        ids.push(id);
        body += JSON.stringify({ id, type: (this.o.type ?? ((k) => TYPES[k % TYPES.length]))(n), agent_id: `agent-${n % 7}`, data: { n, pad: 'x'.repeat(200) } }) + '\n';
      }
      this.stats.requests++;
      try {
        const res = await fetch(this.o.url + '/v1/events', {
          method: 'POST',
          headers: { 'content-type': 'application/x-ndjson', ...this.o.headers },
          body,
          signal: AbortSignal.timeout(20_000),
        });
        this.stats.statuses.set(res.status, (this.stats.statuses.get(res.status) ?? 0) + 1);
        const json = (await res.json()) as { accepted?: number; duplicates?: number };
        if (res.status === 202 && json.accepted === size) for (const id of ids) this.stats.acked.add(id);
        else if (res.status === 202) throw new Error(`partial acceptance under load: ${JSON.stringify(json)}`);
        else if (res.status >= 500 || res.status === 429) await new Promise((r) => setTimeout(r, 50));
        if (this.o.pauseMs) await new Promise((r) => setTimeout(r, this.o.pauseMs));
      } catch (err) {
        if ((err as Error).message.startsWith('partial')) throw err;
        for (const id of ids) this.stats.unknown.add(id);
        // The server is gone (killed or stopping): back off a little instead of spinning.
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  }
}
