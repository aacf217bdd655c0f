/**
 * Sizes a batch of events as the archive writes them (Parquet) next to NDJSON and gzip'd NDJSON,
 * for the benchmark table. The figures the archive aims for: Parquet ≤ 15% of NDJSON and smaller
 * than gzip'd NDJSON.
 */
import { gzipSync } from 'node:zlib';
import { eventToJson, type StoredEvent } from '../core/event.js';
import type { Runtime } from '../runtime/types.js';
import { pickCodec } from './compression.js';
import { encodeParquet } from './parquet-encoder.js';

export interface SizeReport {
  rows: number;
  codec: string;
  ndjsonBytes: number;
  gzipNdjsonBytes: number;
  parquetBytes: number;
  /** parquetBytes / ndjsonBytes */
  parquetRatio: number;
  encodeMs: number;
}

/** @example const r = await archiveSizeReport(events, runtime); console.log(r.parquetRatio) */
export async function archiveSizeReport(events: readonly StoredEvent[], runtime: Pick<Runtime, 'zstdCompress'>): Promise<SizeReport> {
  const ndjson = Buffer.from(events.map((e) => eventToJson(e)).join('\n') + '\n');
  const codec = pickCodec(runtime);
  const t0 = performance.now();
  const parquet = await encodeParquet(events, { codec });
  const encodeMs = performance.now() - t0;
  return {
    rows: events.length,
    codec: codec.name,
    ndjsonBytes: ndjson.length,
    gzipNdjsonBytes: gzipSync(ndjson).length,
    parquetBytes: parquet.length,
    parquetRatio: parquet.length / ndjson.length,
    encodeMs,
  };
}
