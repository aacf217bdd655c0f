/** Messages between the archiver (event loop) and its encoder thread. */
import type { CodecSpec } from '../compression.js';
import type { EncodedSegment, SegmentLimit } from '../segment-encoder.js';

/** workerData: the store the thread reads (its own read-only connection) and the codec it writes. */
export interface EncoderSetup {
  dbPath: string;
  codec: CodecSpec;
}

export interface EncodeRequest {
  id: number;
  from: number;
  limit: SegmentLimit;
  writer: string;
  skip: string[];
  /** Another level than the thread's codec has (the archive is behind). */
  level?: number;
}

/** A segment's bodies are transferred (not copied) back to the event loop. */
export type EncodeReply = { id: number; ok: true; segment: EncodedSegment } | { id: number; ok: false; error: string };
