/**
 * Object keys of the archive:
 * `<prefix>/tier=<tier>/dt=<YYYY-MM-DD>/hour=<HH>/<first>-<last>-<writer>.parquet` (UTC, from the
 * event ts; first/last = the flush segment's seq range; writer = a random id of the store that wrote
 * it, so two stores pointed at one bucket never overwrite each other's objects). `tier=` comes first so a per-tier lifecycle rule can match a prefix, and
 * zero-padded dates and hours sort lexically in time order, which the retention sweeper relies on.
 */
import { TIERS, type Tier } from '../core/event.js';

export const HOUR_MS = 3_600_000;
const SEQ_DIGITS = 16; // every safe integer fits, so names sort by seq

export interface Partition {
  tier: Tier;
  /** Start of the UTC hour, epoch ms. */
  hourStart: number;
}

export function partitionOf(tier: Tier, ts: number): Partition {
  return { tier, hourStart: Math.floor(ts / HOUR_MS) * HOUR_MS };
}

/** `tier=critical/dt=2025-03-01/hour=07` */
export function partitionPath(p: Partition): string {
  const iso = new Date(p.hourStart).toISOString();
  return `tier=${p.tier}/dt=${iso.slice(0, 10)}/hour=${iso.slice(11, 13)}`;
}

/**
 * The object name for rows of one flush segment (seqs first..last) written by one store: a redo of
 * the same segment yields the same name, so a retry overwrites instead of duplicating.
 */
export function objectName(first: number, last: number, writer: string): string {
  return `${String(first).padStart(SEQ_DIGITS, '0')}-${String(last).padStart(SEQ_DIGITS, '0')}-${writer}.parquet`;
}

export function joinKey(prefix: string, ...parts: string[]): string {
  return [prefix, ...parts].filter((p) => p !== '').join('/');
}

export interface ParsedKey extends Partition {
  first: number;
  last: number;
  writer: string | undefined;
}

const KEY = /(?:^|\/)tier=([a-z]+)\/dt=(\d{4}-\d{2}-\d{2})\/hour=(\d{2})\/(\d+)-(\d+)(?:-([a-z0-9]+))?\.parquet$/;

/** Reads the partition and seq range back from a key; undefined for keys that are not ours. */
export function parseKey(key: string): ParsedKey | undefined {
  const m = KEY.exec(key);
  if (!m || !TIERS.includes(m[1] as Tier)) return undefined;
  const hourStart = Date.parse(`${m[2]}T${m[3]}:00:00Z`);
  if (Number.isNaN(hourStart)) return undefined;
  return { tier: m[1] as Tier, hourStart, first: Number(m[4]), last: Number(m[5]), writer: m[6] };
}
