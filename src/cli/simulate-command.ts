/** `auren simulate`: drives a realistic multi-agent workload at a running server and prints a summary. */
import { parseDuration } from '../config/duration.js';
import { ConfigError } from '../config/load.js';
import { FatalPostError, MIN_AGENTS, runSimulation, type SimulationSummary } from '../simulate/index.js';
import type { Command } from './commands.js';

const HELP = `Usage: auren simulate [flags]

Sends a believable crew of AI agents (planner → analyst → coach, with researcher and critic when
--agents allows) to a server: reasoning steps and handoffs, LLM calls on several models with cache
hits, tool calls and failures, memories, hypotheses, knowledge-graph growth, wearable readings and
alerts. Open the dashboard to watch.

Flags (env in brackets):
  --url URL          server to send to [AUREN_URL] (default http://127.0.0.1:8080)
  --agents N         agents in the crew, at least ${MIN_AGENTS} (default 5)
  --rate N           events per second (default 200)
  --duration D       how long to run, e.g. 30s, 5m (default: until Ctrl-C)
  --events N         stop after N events
  --api-key KEY      ingest key when the server has auth on [AUREN_API_KEY]
  --seed N           same seed, same event contents (default random)
  --batch N          largest NDJSON batch per request (default 500)
  --quiet            print only the summary
`;

interface SimFlags {
  url: string;
  agents: number;
  rate: number;
  durationMs?: number;
  maxEvents?: number;
  apiKey?: string;
  seed?: number;
  batchSize: number;
  quiet: boolean;
}

function int(flag: string, v: string | undefined, min: number): number {
  const n = Number(v);
  if (v === undefined || !Number.isInteger(n) || n < min) throw new ConfigError(`${flag}: "${v ?? ''}" must be an integer ≥ ${min}`);
  return n;
}

export function parseSimulateArgs(args: string[], env: Record<string, string | undefined>): SimFlags {
  const f: SimFlags = { url: env.AUREN_URL ?? 'http://127.0.0.1:8080', agents: 5, rate: 200, apiKey: env.AUREN_API_KEY || undefined, batchSize: 500, quiet: false };
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].split(/=(.*)/s, 2);
    const value = () => inline ?? args[++i];
    switch (flag) {
      case '--url': {
        const v = value();
        if (!v || !/^https?:\/\/[^/]+/.test(v)) throw new ConfigError(`--url: "${v ?? ''}" must be an http(s) URL such as http://127.0.0.1:8080`);
        f.url = v;
        break;
      }
      case '--agents': f.agents = int('--agents', value(), MIN_AGENTS); break;
      case '--rate': {
        const v = value();
        const n = Number(v);
        if (!Number.isFinite(n) || n <= 0 || n > 1_000_000) throw new ConfigError(`--rate: "${v ?? ''}" must be events per second between 0 and 1000000`);
        f.rate = n;
        break;
      }
      case '--duration':
        try {
          f.durationMs = parseDuration(value() ?? '');
        } catch (err) {
          throw new ConfigError(`--duration: ${(err as Error).message}`);
        }
        break;
      case '--events': f.maxEvents = int('--events', value(), 1); break;
      case '--api-key': f.apiKey = value(); break;
      case '--seed': f.seed = int('--seed', value(), 0); break;
      case '--batch': f.batchSize = int('--batch', value(), 1); break;
      case '--quiet': f.quiet = true; break;
      default: throw new ConfigError(`unknown flag "${flag}" for simulate; see auren simulate --help`);
    }
  }
  return f;
}

const n = (v: number) => v.toLocaleString('en-US');

function summaryText(s: SimulationSummary, url: string): string {
  const types = Object.entries(s.byType).slice(0, 8).map(([t, c]) => `${t} ${n(c)}`).join(' · ');
  const lines = [
    `sent ${n(s.sent)} events in ${(s.elapsedMs / 1000).toFixed(1)} s (${n(s.rate)}/s) in ${n(s.requests)} requests: ${n(s.accepted)} accepted, ${n(s.duplicates)} duplicates, ${n(s.rejected)} rejected${s.retries ? `, ${n(s.retries)} retries` : ''}`,
    `crew: ${s.agents.join(', ')} · ${n(s.tasks)} tasks · run ${s.runId}`,
    `events: ${types}`,
  ];
  for (const e of s.errors) lines.push(`server said: ${e}`);
  lines.push(`dashboard: ${url.replace(/\/+$/, '')}/`);
  return lines.join('\n') + '\n';
}

export const simulateCommand: Command = {
  name: 'simulate',
  summary: 'Drive a realistic multi-agent workload at a server',
  async run(args) {
    if (args.includes('--help') || args.includes('-h')) {
      process.stdout.write(HELP);
      return 0;
    }
    const f = parseSimulateArgs(args, process.env);
    const abort = new AbortController();
    const stop = () => abort.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    if (!f.quiet) {
      const until = f.durationMs !== undefined ? `for ${(f.durationMs / 1000).toFixed(0)} s` : f.maxEvents !== undefined ? `for ${n(f.maxEvents)} events` : 'until Ctrl-C';
      process.stdout.write(`simulating ${f.agents} agents at ${n(f.rate)} events/s against ${f.url} ${until}\n`);
    }
    try {
      const s = await runSimulation({
        ...f,
        signal: abort.signal,
        onProgress: f.quiet ? undefined : (p) => process.stdout.write(`  ${(p.elapsedMs / 1000).toFixed(0).padStart(4)} s  ${n(p.sent)} sent · ${n(p.accepted)} accepted · ${n(p.rejected)} rejected\n`),
      });
      process.stdout.write(summaryText(s, f.url));
      return s.rejected > 0 && s.accepted === 0 ? 1 : 0;
    } catch (err) {
      if (err instanceof FatalPostError) {
        process.stderr.write(`auren simulate: ${err.message}\n`);
        return 1;
      }
      throw err;
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
  },
};
