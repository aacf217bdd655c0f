/**
 * A flush segment: the committed events with seq in (from, to], read from the store in pages (so
 * a large segment never blocks ingest for long) and grouped per (tier, UTC hour of ts).
 */
import type { StoredEvent } from '../core/event.js';
import type { EventLog } from '../store/event-log.js';
import { yieldToLoop } from './backoff.js';
import { joinKey, objectName, partitionOf, partitionPath } from './key-layout.js';

export const READ_PAGE = 4096;

export interface Segment {
  /** Exclusive: the cursor the segment starts after. */
  from: number;
  /** Inclusive: its last seq. */
  to: number;
  events: StoredEvent[];
  /** Rough serialized size, for the byte cap. */
  bytes: number;
}

export interface SegmentCaps {
  maxRows: number;
  maxBytes: number;
}

/** Rough size of one event as NDJSON, without serializing it. */
export function approxBytes(e: StoredEvent): number {
  return 260 + (e.data_json?.length ?? 0) + e.id.length + e.type.length;
}

/**
 * Reads events after `from`: up to the caps when planning a new segment, or exactly up to `to`
 * when redoing a planned one (same range, so the same rows and object names).
 */
export async function readSegment(log: Pick<EventLog, 'read'>, from: number, limit: SegmentCaps | { to: number }): Promise<Segment> {
  const events: StoredEvent[] = [];
  let bytes = 0;
  let last = from;
  const redo = 'to' in limit;
  // A short page is not taken as the end (a stream-backed log may page short): only an empty one is.
  for (let full = false; !full; ) {
    const want = redo ? READ_PAGE : Math.min(READ_PAGE, limit.maxRows - events.length);
    if (want <= 0) break;
    const page = await log.read(last, want);
    if (page.length === 0) break;
    for (const e of page) {
      if (redo && e.seq > limit.to) {
        full = true;
        break;
      }
      events.push(e);
      bytes += approxBytes(e);
      last = e.seq;
      if (redo ? e.seq >= limit.to : bytes >= limit.maxBytes) {
        full = true;
        break;
      }
    }
    if (!full) await yieldToLoop();
  }
  return { from, to: redo ? limit.to : last, events, bytes };
}

export interface SegmentObject {
  key: string;
  events: StoredEvent[];
}

/** One object per (tier, hour) of the segment, named by the segment's range and the writer. */
export function segmentObjects(s: Segment, writer: string): SegmentObject[] {
  const groups = new Map<string, StoredEvent[]>();
  for (const e of s.events) {
    const path = partitionPath(partitionOf(e.tier, e.ts));
    let g = groups.get(path);
    if (!g) groups.set(path, (g = []));
    g.push(e);
  }
  const name = objectName(s.from + 1, s.to, writer);
  return [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([path, events]) => ({ key: joinKey(path, name), events }));
}
