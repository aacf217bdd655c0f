/**
 * Picks the Parquet codec: zstd where the runtime has it (Bun), else gzip from node:zlib (Node 20
 * has no zstd). Snappy, the library default, compresses agent events worse than gzip'd NDJSON.
 */
import { constants, gzipSync } from 'node:zlib';
import type { Runtime } from '../runtime/types.js';

export interface Codec {
  name: 'ZSTD' | 'GZIP';
  compress: (input: Uint8Array) => Uint8Array;
}

export function pickCodec(runtime: Pick<Runtime, 'zstdCompress'>, zstdLevel = 3): Codec {
  const zstd = runtime.zstdCompress;
  if (zstd) return { name: 'ZSTD', compress: (b) => zstd(b, zstdLevel) };
  return { name: 'GZIP', compress: (b) => gzipSync(b, { level: 6, strategy: constants.Z_DEFAULT_STRATEGY }) };
}
