/**
 * Writes one segment: a Parquet object per (tier, hour), encoded one after the other (CPU) while up
 * to `concurrency` uploads run (I/O). Throws the first upload error after the others settled.
 */
import type { ArchiveStats } from './archive-stats.js';
import { yieldToLoop } from './backoff.js';
import type { Codec } from './compression.js';
import type { ObjectTarget } from './object-target.js';
import { encodeParquet } from './parquet-encoder.js';
import { segmentObjects, type Segment } from './segment.js';

export interface UploadOptions {
  target: ObjectTarget;
  codec: Codec;
  writer: string;
  stats: ArchiveStats;
  /** Keys already uploaded for this segment (kept across retries in one process; filled here). */
  uploaded?: Set<string>;
  concurrency?: number;
  /** Called after each object is uploaded (cluster mode keeps its claim alive). */
  onObject?: () => void;
}

export async function uploadSegment(s: Segment, o: UploadOptions): Promise<void> {
  const objects = segmentObjects(s, o.writer).filter((x) => !o.uploaded?.has(x.key));
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  for (const obj of objects) {
    if (failure) break;
    const body = await encodeParquet(obj.events, { codec: o.codec, yieldBetweenGroups: yieldToLoop });
    const p = o.target.put(obj.key, body).then(
      () => {
        o.uploaded?.add(obj.key);
        o.stats.uploadsOk++;
        o.stats.bytesUploaded += body.length;
        o.onObject?.();
      },
      (err) => {
        failure ??= err;
      },
    );
    const tracked = p.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
    if (inFlight.size >= (o.concurrency ?? 4)) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  if (failure) throw failure;
}
