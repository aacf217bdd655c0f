/**
 * Picks the Parquet codec: zstd where the runtime has it (Bun), else gzip from node:zlib (Node 20
 * has no zstd). Snappy, the library default, compresses agent events worse than gzip'd NDJSON.
 * A codec is also described by name and level alone (CodecSpec), so the encoder thread can build
 * the same one on its side.
 */
import { constants, gzipSync } from 'node:zlib';
import type { Runtime } from '../runtime/types.js';

/**
 * zstd level 9: Parquet 0.149× the NDJSON of the benchmark's events instead of 0.153× at level 3
 * (levels 4–7 are no smaller than 0.151×). It compresses ~6× slower, so the whole encode is ~2× slower
 * (one core: ~95k events/s against ~180k at level 3), but the encoder has its own thread and still
 * runs ~1.8× faster than the binary ingests on the benchmark machine; ingest with the archive on
 * measured 0.85–0.90× of archive off (0.97× at level 3), the price of the second core being shared.
 */
export const ZSTD_LEVEL = 9;
export const GZIP_LEVEL = 6;

/**
 * The level of a segment taken while the archive is behind (Archiver: two full segments or more
 * waiting), unless --archive-level fixes one. Encoding 100k of the benchmark's events on one core:
 * zstd 9 ~87k events/s for Parquet 0.150× the NDJSON, zstd 3 ~172k for 0.154×; gzip 6 ~83k for
 * 0.153×, gzip 3 ~139k for 0.166× (gzip 1: 0.232×, too much larger). Sustained 50k ev/s for 60 s
 * beside the load (bench sustain row), the backlog grew from 319k to 643k events at zstd 9 alone,
 * held at 94k–146k at 3 for every segment, and at 190k–276k (two segments) with this catch-up.
 */
export const CATCH_UP_LEVEL: Readonly<Record<CodecSpec['name'], number>> = { ZSTD: 3, GZIP: 3 };

export interface CodecSpec {
  name: 'ZSTD' | 'GZIP';
  level: number;
}

export interface Codec extends CodecSpec {
  compress: (input: Uint8Array) => Uint8Array;
  /** The same codec at another level. */
  withLevel(level: number): Codec;
}

export type ZstdCompress = NonNullable<Runtime['zstdCompress']>;

/**
 * zstd where the runtime has it, else gzip; `level` (`--archive-level`) overrides the codec's
 * default. Throws when it is beyond gzip's 9 on a runtime without zstd, naming the flag.
 */
export function pickCodec(runtime: Pick<Runtime, 'zstdCompress'>, level?: number): Codec {
  if (runtime.zstdCompress) return codecOf({ name: 'ZSTD', level: level ?? ZSTD_LEVEL }, runtime.zstdCompress);
  if (level !== undefined && level > 9) {
    throw new Error(`--archive-level ${level}: this runtime writes gzip, whose levels are 1 to 9 (zstd levels need the Bun binary)`);
  }
  return codecOf({ name: 'GZIP', level: level ?? GZIP_LEVEL });
}

/** The codec a spec names; throws when it asks for zstd and the runtime has none. */
export function codecOf(spec: CodecSpec, zstd?: ZstdCompress): Codec {
  const withLevel = (level: number) => codecOf({ name: spec.name, level }, zstd);
  if (spec.name === 'ZSTD') {
    if (!zstd) throw new Error('zstd is not available in this runtime');
    return { ...spec, compress: (b) => zstd(b, spec.level), withLevel };
  }
  return { ...spec, compress: (b) => gzipSync(b, { level: spec.level, strategy: constants.Z_DEFAULT_STRATEGY }), withLevel };
}
