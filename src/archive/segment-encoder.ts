/**
 * Turns a segment of the event log into its Parquet objects, one per (tier, hour). The archiver
 * asks a SegmentEncoder for a segment and then plans, uploads and commits it itself; where the
 * rows are read and encoded is the encoder's business: on the event loop (this file, for cluster
 * mode, tests, and as the fallback) or on the encoder thread (worker/worker-encoder.ts).
 */
import type { EventLog } from '../store/event-log.js';
import { yieldToLoop } from './backoff.js';
import type { Codec } from './compression.js';
import { encodeParquet } from './parquet-encoder.js';
import { readSegment, segmentObjects, type Segment, type SegmentCaps } from './segment.js';

/** Up to the caps when planning a new segment, or exactly up to `to` when redoing a planned one. */
export type SegmentLimit = SegmentCaps | { to: number };

export interface EncodedObject {
  key: string;
  body: Uint8Array;
  rows: number;
}

export interface EncodedSegment {
  /** Exclusive: the cursor the segment starts after. */
  from: number;
  /** Inclusive: its last seq (= from when no event was left to read). */
  to: number;
  /** Events in the segment, including those of skipped objects. */
  rows: number;
  /** Rough NDJSON size of the segment's events (segment.ts approxBytes). */
  bytes: number;
  objects: EncodedObject[];
}

export interface SegmentEncoder {
  /**
   * Reads the events after `from` within `limit` and encodes every object whose key is not in `skip`,
   * at the codec's level or at `level`.
   */
  encode(from: number, limit: SegmentLimit, writer: string, skip?: ReadonlySet<string>, level?: number): Promise<EncodedSegment>;
  /** Whether segments are encoded off the event loop (for /metrics). */
  offThread(): boolean;
  close(): Promise<void>;
}

/** Encodes an already read segment. `yieldBetweenGroups` lets the event loop run between row groups. */
export async function encodeSegment(
  s: Segment,
  writer: string,
  codec: Pick<Codec, 'name' | 'compress'>,
  skip?: ReadonlySet<string>,
  yieldBetweenGroups?: () => Promise<void>,
): Promise<EncodedSegment> {
  const objects: EncodedObject[] = [];
  for (const obj of segmentObjects(s, writer)) {
    if (skip?.has(obj.key)) continue;
    objects.push({ key: obj.key, body: await encodeParquet(obj.events, { codec, yieldBetweenGroups }), rows: obj.events.length });
  }
  return { from: s.from, to: s.to, rows: s.events.length, bytes: s.bytes, objects };
}

/** `codec` at `level` (itself when no other level is asked for). */
export function atLevel(codec: Codec, level: number | undefined): Codec {
  return level === undefined || level === codec.level ? codec : codec.withLevel(level);
}

/**
 * Reads and encodes on the event loop, yielding between read pages and row groups; each row group
 * still holds the loop for its whole encode (~0.3 s at 32k rows).
 */
export class InThreadSegmentEncoder implements SegmentEncoder {
  constructor(
    private readonly log: EventLog,
    private readonly codec: Codec,
  ) {}

  async encode(from: number, limit: SegmentLimit, writer: string, skip?: ReadonlySet<string>, level?: number): Promise<EncodedSegment> {
    const s = await readSegment(this.log, from, limit);
    return encodeSegment(s, writer, atLevel(this.codec, level), skip, yieldToLoop);
  }

  offThread(): boolean {
    return false;
  }

  async close(): Promise<void> {}
}
