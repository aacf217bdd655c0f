/**
 * The event log: the one durable record every reader (stream, dashboards, archiver) consumes.
 * SQLite backs it on a single node (store/sqlite); cluster mode backs it with NATS JetStream.
 */
import type { EventDraft, StoredEvent, Tier } from '../core/event.js';

export interface AppendResult {
  /** The events that were new, in seq order, as stored. */
  stored: StoredEvent[];
  /** Indexes (into the drafts passed) of events whose id was already accepted within the dedup window. */
  duplicates: number[];
}

export interface ReadOptions {
  /** Only these projects (undefined = all). */
  projects?: readonly string[];
  /** Only these tiers (undefined = all). */
  tiers?: readonly Tier[];
}

export type AppendListener = (events: readonly StoredEvent[]) => void;

export interface EventLog {
  /** Durably appends the drafts (one commit); resolves only once they survive a crash. */
  append(drafts: EventDraft[]): Promise<AppendResult>;
  /** Events with seq > afterSeq in seq order, at most `limit`. */
  read(afterSeq: number, limit: number, opts?: ReadOptions): Promise<StoredEvent[]>;
  /** Highest seq stored so far (0 when empty). */
  lastSeq(): number;
  /** Called with each committed batch, in seq order, after it is durable. */
  onAppend(listener: AppendListener): () => void;
  /** Whether the log can take writes now (readiness). */
  writable(): boolean;
  close(): Promise<void>;
}
