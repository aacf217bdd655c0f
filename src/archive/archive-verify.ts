/**
 * `auren archive verify`: every event of the hot store is in the archive exactly once, and every
 * archived row sits in the partition of its tier and ts. Events after the archiver's cursor are
 * reported as queued (not yet due), and events whose partition already expired under
 * --archive-retention are not expected. The store is read before the archive is listed, so objects
 * for everything up to the cursor exist by the time the listing starts.
 */
import type { Tier } from '../core/event.js';
import type { SqliteDatabase } from '../runtime/types.js';
import { readCursor } from './archive-state.js';
import { HOUR_MS, parseKey, partitionOf, partitionPath } from './key-layout.js';
import type { ObjectTarget } from './object-target.js';
import { readRowFacts } from './parquet-reader.js';
import { GrowableSeqs, sortedUnique, toRanges } from './seq-set.js';

export interface VerifyReport {
  target: string;
  objects: number;
  rows: number;
  /** Objects written by other stores into the same archive (not checked against this store). */
  otherWriters: number;
  /** Hot-store events checked, and the archiver's cursor for this target (undefined = no record). */
  stored: number;
  cursor: number | undefined;
  queued: number;
  expired: number;
  /** Stored events not found, but inside the seq range of an object that could not be read. */
  unverified: number;
  missing: number[];
  /** How many seqs are archived more than once; `duplicates` details the first few. */
  duplicateCount: number;
  duplicates: { seq: number; count: number; keys: string[] }[];
  misplacedCount: number;
  misplaced: { key: string; seq: number; problem: string }[];
  unreadable: { key: string; error: string }[];
  ok: boolean;
}

export interface VerifyInput {
  target: ObjectTarget;
  /** The hot store; undefined checks the archive alone (duplicates, placement). */
  db: SqliteDatabase | undefined;
  retention: Partial<Record<Tier, number>>;
  now: number;
  onObject?: (done: number) => void;
}

const SHOW = 50;

interface StoredRow {
  seq: number;
  tier: Tier;
  ts: number;
}

function readStore(db: SqliteDatabase): StoredRow[] {
  const out: StoredRow[] = [];
  const page = db.prepare('SELECT seq, tier, ts FROM events WHERE seq > ? ORDER BY seq LIMIT 50000');
  for (let after = 0; ; ) {
    const rows = page.all<StoredRow>(after);
    for (const r of rows) out.push(r);
    if (rows.length < 50000) return out;
    after = rows[rows.length - 1].seq;
  }
}

export async function verifyArchive(v: VerifyInput): Promise<VerifyReport> {
  const progress = v.db ? readCursor(v.db, v.target.uri) : undefined;
  const cursor = progress?.cursor;
  const stored = v.db ? readStore(v.db) : [];
  const r: VerifyReport = {
    target: v.target.uri, objects: 0, rows: 0, otherWriters: 0, stored: stored.length, cursor, queued: 0, expired: 0, unverified: 0,
    missing: [], duplicateCount: 0, duplicates: [], misplacedCount: 0, misplaced: [], unreadable: [], ok: false,
  };

  const keys: string[] = [];
  for await (const o of v.target.list('')) {
    const k = parseKey(o.key);
    if (!k) continue;
    // Seqs are per store: another store's objects would look like duplicates of ours.
    if (progress?.writer && k.writer && k.writer !== progress.writer) r.otherWriters++;
    else keys.push(o.key);
  }
  const archived = new GrowableSeqs();
  const unreadableRanges: [number, number][] = [];
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    const where = parseKey(key)!;
    try {
      const rows = await readRowFacts(await v.target.get(key));
      for (const row of rows) {
        archived.push(row.seq, i);
        const problem = row.tier !== where.tier
          ? `tier ${row.tier} in a tier=${where.tier} partition`
          : partitionOf(where.tier, row.ts).hourStart !== where.hourStart
            ? `ts ${new Date(row.ts).toISOString()} belongs in ${partitionPath(partitionOf(row.tier as Tier, row.ts))}`
            : undefined;
        if (problem && r.misplacedCount++ < SHOW) r.misplaced.push({ key, seq: row.seq, problem });
      }
      r.rows += rows.length;
    } catch (err) {
      r.unreadable.push({ key, error: (err as Error).message });
      unreadableRanges.push([where.first, where.last]);
    }
    r.objects++;
    v.onObject?.(r.objects);
  }

  const { unique, repeated } = sortedUnique(archived.seqs());
  r.duplicateCount = repeated.length;
  for (const seq of repeated.slice(0, SHOW)) {
    const where = archived.keysOf(seq).map((i) => keys[i]);
    r.duplicates.push({ seq, count: where.length, keys: where });
  }
  // Stored events: walk both sorted lists together.
  let j = 0;
  for (const e of stored) {
    while (j < unique.length && unique[j] < e.seq) j++;
    if (j < unique.length && unique[j] === e.seq) continue;
    const window = v.retention[e.tier];
    if (window !== undefined && partitionOf(e.tier, e.ts).hourStart + HOUR_MS <= v.now - window) r.expired++;
    else if (cursor !== undefined && e.seq > cursor) r.queued++;
    else if (unreadableRanges.some(([a, b]) => e.seq >= a && e.seq <= b)) r.unverified++;
    else r.missing.push(e.seq);
  }
  r.ok = r.missing.length === 0 && r.duplicateCount === 0 && r.misplacedCount === 0 && r.unreadable.length === 0;
  return r;
}

export function formatVerify(r: VerifyReport): string {
  const lines = [`${r.target}: ${r.objects} objects, ${r.rows} rows read`];
  if (r.otherWriters) lines.push(`note: ${r.otherWriters} objects of other stores writing to the same archive were not checked`);
  if (r.cursor === undefined && r.stored) lines.push(`note: the store has no archive progress for ${r.target}; every stored event is expected in it`);
  lines.push(`hot store: ${r.stored} events checked${r.cursor !== undefined ? `, archived up to seq ${r.cursor}` : ''}`);
  if (r.queued) lines.push(`queued: ${r.queued} newer events are not archived yet (the next flush takes them)`);
  if (r.expired) lines.push(`expired: ${r.expired} events are past --archive-retention and not expected`);
  if (r.missing.length) lines.push(`MISSING: ${r.missing.length} stored events are not in the archive: seqs ${toRanges(r.missing, SHOW)}`);
  if (r.duplicateCount) {
    lines.push(`DUPLICATE: ${r.duplicateCount} seqs are archived more than once:`);
    for (const d of r.duplicates.slice(0, 10)) lines.push(`  seq ${d.seq} ×${d.count}: ${d.keys.join(', ')}`);
  }
  if (r.misplacedCount) lines.push(`MISPLACED: ${r.misplacedCount} rows are outside the partition of their tier and ts:`);
  for (const m of r.misplaced.slice(0, 10)) lines.push(`  seq ${m.seq} in ${m.key}: ${m.problem}`);
  for (const u of r.unreadable.slice(0, 10)) lines.push(`UNREADABLE: ${u.key}: ${u.error}`);
  if (r.unverified) lines.push(`unverified: ${r.unverified} stored events may be in the unreadable objects`);
  lines.push(r.ok ? 'ok: every stored event is in the archive exactly once' : 'FAILED: see the problems above');
  return lines.join('\n') + '\n';
}
