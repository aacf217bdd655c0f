/**
 * Writes a segment's objects: up to `concurrency` uploads at once. Throws the first upload error
 * after the others settled; objects uploaded before it are recorded in `uploaded`.
 */
import type { ArchiveStats } from './archive-stats.js';
import { yieldToLoop } from './backoff.js';
import type { Codec } from './compression.js';
import type { ObjectTarget } from './object-target.js';
import { encodeSegment, type EncodedObject } from './segment-encoder.js';
import type { Segment } from './segment.js';

export interface PutOptions {
  target: ObjectTarget;
  stats: ArchiveStats;
  /** Keys already uploaded for this segment (kept across retries in one process; filled here). */
  uploaded?: Set<string>;
  concurrency?: number;
  /** Called after each object is uploaded (cluster mode keeps its claim alive). */
  onObject?: () => void;
}

export interface UploadOptions extends PutOptions {
  codec: Codec;
  writer: string;
}

/** Uploads encoded objects. */
export async function putObjects(objects: readonly EncodedObject[], o: PutOptions): Promise<void> {
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  for (const obj of objects) {
    if (failure) break;
    if (o.uploaded?.has(obj.key)) continue;
    const p = o.target.put(obj.key, obj.body).then(
      () => {
        o.uploaded?.add(obj.key);
        o.stats.uploadsOk++;
        o.stats.bytesUploaded += obj.body.length;
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

/** Encodes a segment already read (on the event loop) and uploads its objects. */
export async function uploadSegment(s: Segment, o: UploadOptions): Promise<void> {
  const encoded = await encodeSegment(s, o.writer, o.codec, o.uploaded, yieldToLoop);
  await putObjects(encoded.objects, o);
}
