/**
 * Picks the Parquet codec: zstd where the runtime has it (Bun), else gzip from node:zlib (Node 20
 * has no zstd). Snappy, the library default, compresses agent events worse than gzip'd NDJSON.
 * A codec is also described by name and level alone (CodecSpec), so the encoder thread can build
 * the same one on its side.
 */
import { constants, gzipSync } from 'node:zlib';
import type { Runtime } from '../runtime/types.js';

/**
 * zstd level 3. Level 9 (or 8) would make Parquet 0.149× the NDJSON of the benchmark's events
 * instead of 0.153×, but it compresses ~6× slower, which makes the whole encode ~2.5× slower
 * (one core: ~36–49k events/s against ~93–126k at level 3). The encoder thread is one thread, so
 * that would cap how fast the archive keeps up with sustained ingest; 3% smaller files are not
 * worth it. Levels 4–7 are no smaller than 0.151×.
 */
export const ZSTD_LEVEL = 3;
export const GZIP_LEVEL = 6;

export interface CodecSpec {
  name: 'ZSTD' | 'GZIP';
  level: number;
}

export interface Codec extends CodecSpec {
  compress: (input: Uint8Array) => Uint8Array;
}

export type ZstdCompress = NonNullable<Runtime['zstdCompress']>;

export function pickCodec(runtime: Pick<Runtime, 'zstdCompress'>, zstdLevel = ZSTD_LEVEL): Codec {
  return runtime.zstdCompress ? codecOf({ name: 'ZSTD', level: zstdLevel }, runtime.zstdCompress) : codecOf({ name: 'GZIP', level: GZIP_LEVEL });
}

/** The codec a spec names; throws when it asks for zstd and the runtime has none. */
export function codecOf(spec: CodecSpec, zstd?: ZstdCompress): Codec {
  if (spec.name === 'ZSTD') {
    if (!zstd) throw new Error('zstd is not available in this runtime');
    return { ...spec, compress: (b) => zstd(b, spec.level) };
  }
  return { ...spec, compress: (b) => gzipSync(b, { level: spec.level, strategy: constants.Z_DEFAULT_STRATEGY }) };
}
