/**
 * Soak run: the built product under steady ingest and live subscribers for a long time while faults
 * are injected at random (kill -9, SIGTERM, disk full, hostile input, slow and abusive clients). At the
 * end every acknowledged event must be in the store and have reached every subscriber: losses must
 * be zero (exit code 1 otherwise).
 *
 *   npm run build && npx bun scripts/soak/soak.ts --duration 10m [--target bun-binary|node]
 *     [--fault-every 15s] [--faults kill9,sigterm,disk-full,hostile-input,slow-consumers,ws-abuse]
 *     [--workers 2] [--batch 100] [--pause 20ms] [--subscribers 4] [--disk-mb 3072]
 */
import { createServer } from 'node:net';
import { parseDuration } from '../../src/config/duration.js';
import { IngestLoad } from '../../test/hardening/support/ingest-load.js';
import { ALL_FAULTS, injectFault, type FaultName } from './faults.js';
import { LoopDisk } from './loop-disk.js';
import { ServerProcess, type Target } from './server-process.js';
import { Subscriber } from './subscriber.js';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? def : process.argv[i + 1];
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const log = (msg: string) => process.stdout.write(`[${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<number> {
  const durationMs = parseDuration(arg('duration', '2m'));
  const target = arg('target', 'bun-binary') as Target;
  const faultEveryMs = parseDuration(arg('fault-every', '15s'));
  const faults = arg('faults', ALL_FAULTS.join(',')).split(',') as FaultName[];
  const diskMb = Number(arg('disk-mb', '3072'));

  let disk: LoopDisk | undefined;
  if (faults.includes('disk-full')) {
    try {
      disk = new LoopDisk(diskMb);
    } catch (err) {
      log(`no loop disk (${(err as Error).message.split('\n')[0]}): the disk-full fault is skipped`);
    }
  }
  const dataDir = disk?.dir ?? (await import('node:fs')).mkdtempSync('/tmp/auren-soak-data-');
  const server = new ServerProcess(target, await freePort(), ['--data-dir', dataDir, '--archive', 'none', '--log-level', 'warn']);
  // Whatever happens, leave no server running and no disk mounted.
  const cleanup = () => {
    void server.kill9();
    disk?.destroy();
  };
  process.once('uncaughtException', (err) => {
    process.stderr.write(`soak crashed: ${err.stack}\n`);
    cleanup();
    process.exit(2);
  });
  try {
    await server.start();
  } catch (err) {
    cleanup();
    throw err;
  }
  log(`soak: ${target} on ${server.url}, data in ${dataDir}${disk ? ` (ext4 loop disk, ${diskMb} MiB)` : ''}, ${durationMs / 1000} s, a fault every ~${faultEveryMs / 1000} s from ${faults.join(', ')}`);

  const prefix = `soak${Date.now().toString(36)}`;
  const load = new IngestLoad({
    url: server.url,
    prefix,
    workers: Number(arg('workers', '2')),
    batch: Number(arg('batch', '100')),
    pauseMs: parseDuration(arg('pause', '20ms')),
  }).start();
  const subscribers = Array.from({ length: Number(arg('subscribers', '4')) }, () => new Subscriber(server.url, `${prefix}-`).start());
  const problems: string[] = [];
  const injected = new Map<string, number>();
  let peakRss = 0;
  const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, server.rssMb())), 500);

  const started = Date.now();
  while (Date.now() - started < durationMs) {
    await sleep(faultEveryMs * (0.5 + Math.random()));
    if (Date.now() - started >= durationMs) break;
    const name = faults[Math.floor(Math.random() * faults.length)];
    try {
      const note = await injectFault(name, { server, disk, problems });
      injected.set(name, (injected.get(name) ?? 0) + 1);
      log(`fault ${name}: ${note}; ${load.stats.acked.size} events acknowledged so far, RSS ${Math.round(server.rssMb())} MiB`);
    } catch (err) {
      problems.push(`fault ${name} failed: ${(err as Error).message.slice(0, 600)}`);
      log(`fault ${name} FAILED: ${(err as Error).message.slice(0, 300)}`);
      if (!server.running) {
        try {
          await server.start();
        } catch {
          log('the server cannot start again: ending the run early');
          break;
        }
      }
    }
  }

  const stats = await load.stop();
  clearInterval(rssTimer);
  log(`load stopped: ${stats.requests} requests, ${stats.acked.size} events acknowledged, statuses ${JSON.stringify(Object.fromEntries(stats.statuses))}`);

  // The store, read back the way a client resumes (since=0): every acknowledged event, once.
  const store = new Subscriber(server.url, `${prefix}-`, true).start();
  if (!(await store.caughtUp(600_000))) problems.push('reading the store back did not finish in 10 minutes');
  const lost = [...stats.acked].filter((id) => !store.received.has(id));
  const storeDuplicates = store.duplicates + store.seqRegressions;

  // Every subscriber: every acknowledged event (wait for them to catch up after the last fault).
  const deadline = Date.now() + 120_000;
  const missingFor = (s: Subscriber) => [...stats.acked].filter((id) => !s.received.has(id)).length;
  while (Date.now() < deadline && subscribers.some((s) => missingFor(s) > 0 && s.lagged === 0)) await sleep(500);
  for (const s of subscribers) s.stop();
  const streamMissing = subscribers.map(missingFor);
  const stopAt = Date.now();
  const code = await server.stop();
  if (code !== 0) problems.push(`final SIGTERM: exit code ${code} after ${Date.now() - stopAt} ms (null = still running after 30 s, killed); server log: ${server.stderrTail.slice(-600)}`);
  disk?.destroy();

  const report = {
    target,
    duration_s: Math.round((Date.now() - started) / 1000),
    events_acknowledged: stats.acked.size,
    events_stored: store.received.size,
    requests: stats.requests,
    request_statuses: Object.fromEntries(stats.statuses),
    requests_without_answer: stats.unknown.size / Number(arg('batch', '100')),
    faults_injected: Object.fromEntries(injected),
    lost_from_store: lost.length,
    duplicated_in_store: storeDuplicates,
    subscribers: subscribers.length,
    stream_missing_per_subscriber: streamMissing,
    stream_dropped_by_policy: subscribers.map((s) => s.lagged),
    stream_redelivered_after_resume: subscribers.map((s) => s.duplicates),
    stream_seq_regressions: subscribers.map((s) => s.seqRegressions),
    subscriber_reconnects: subscribers.map((s) => s.reconnects),
    peak_rss_mb: Math.round(peakRss),
    problems,
  };
  // Arrays on one line: one number per subscriber.
  process.stdout.write(JSON.stringify(report, null, 2).replace(/\[\s+([^\]{}]*?)\s+\]/g, (_m, inner: string) => `[${inner.replace(/\s+/g, ' ')}]`) + '\n');
  // Events a subscriber was told were dropped (lagged) are policy, not loss; anything else missing is.
  const streamLost = subscribers.reduce((a, s, i) => a + Math.max(0, streamMissing[i] - s.lagged), 0);
  const losses = lost.length + storeDuplicates + streamLost + subscribers.reduce((a, s) => a + s.seqRegressions, 0);
  log(losses === 0 && problems.length === 0 ? 'PASS: zero losses' : `FAIL: ${losses} losses, ${problems.length} problems`);
  return losses === 0 && problems.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`soak failed: ${(err as Error).stack}\n`);
    process.exit(2);
  },
);
