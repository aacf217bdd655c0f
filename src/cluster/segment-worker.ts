/**
 * The loop an archiver runs in cluster mode: claim a segment, archive it, mark it done; keep the
 * claim alive while working, hand it back (with backoff) when archiving fails or the node stops.
 */
import type { Logger } from '../core/log.js';
import type { ArchiveCoordinator, ArchiveSegment } from './archive-coordinator.js';

export interface SegmentWorkerOptions {
  logger: Logger;
  /** How often the claim is renewed while `archive` runs (well under the 60 s ack wait). */
  keepAliveMs?: number;
  /** Past this, the claim is no longer renewed: a stuck upload lets another node take over. */
  maxClaimMs?: number;
  /** How long to wait for a segment per claim request. */
  claimWaitMs?: number;
}

const backoff = (failures: number) => Math.min(30_000, 500 * 2 ** Math.min(failures, 6)) * (0.5 + Math.random() / 2);

/**
 * Runs until `signal` aborts. `archive` must write the objects of every event with seq in
 * [seg.from, seg.to] under names derived from that range, and throw if anything is not written.
 */
export async function runSegmentWorker(
  coord: ArchiveCoordinator,
  signal: AbortSignal,
  archive: (seg: ArchiveSegment, signal: AbortSignal) => Promise<void>,
  o: SegmentWorkerOptions,
): Promise<void> {
  const keepAliveMs = o.keepAliveMs ?? 15_000;
  const maxClaimMs = o.maxClaimMs ?? 15 * 60_000;
  let failures = 0;
  while (!signal.aborted) {
    let claim;
    try {
      claim = await coord.claim(o.claimWaitMs ?? 2000);
    } catch (err) {
      failures++;
      o.logger.debug('could not claim an archive segment; will retry', { err });
      await sleep(backoff(failures), signal);
      continue;
    }
    if (!claim) continue;
    if (signal.aborted) {
      claim.retry(0); // stopping: let another node take it at once
      break;
    }
    const started = Date.now();
    const keepAlive = setInterval(() => {
      if (Date.now() - started < maxClaimMs) claim.progress();
    }, keepAliveMs);
    try {
      await archive({ from: claim.from, to: claim.to }, signal);
      if (signal.aborted) throw new Error('stopping');
      await claim.done();
      failures = 0;
    } catch (err) {
      failures++;
      const delay = signal.aborted ? 0 : backoff(failures);
      claim.retry(delay);
      if (!signal.aborted) o.logger.warn('archiving a segment failed; it will be retried, maybe by another node', { err, from: claim.from, to: claim.to, attempt: claim.attempt });
      await sleep(delay, signal);
    } finally {
      clearInterval(keepAlive);
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((r) => {
    if (signal.aborted) return r();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      r();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
