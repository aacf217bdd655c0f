/**
 * Reads a few columns back from an archive object (for `auren archive verify`), with the codecs the
 * archive writes: gzip from node:zlib; zstd from node:zlib where it has it (Bun, Node ≥ 22.15), else
 * fzstd (pure JavaScript), so Node 20 can check an archive the Bun binary wrote.
 */
import { decompress as fzstdDecompress } from 'fzstd';
import { parquetReadObjects } from 'hyparquet';
import * as zlib from 'node:zlib';

type Decompress = (input: Uint8Array, outputLength: number) => Uint8Array;
const zstdDecompressSync = (zlib as unknown as { zstdDecompressSync?: (b: Uint8Array) => Uint8Array }).zstdDecompressSync;

const compressors: Record<string, Decompress> = {
  GZIP: (input) => zlib.gunzipSync(input),
  ZSTD: zstdDecompressSync ? (input) => zstdDecompressSync(input) : (input, outputLength) => fzstdDecompress(input, new Uint8Array(outputLength)),
};

export interface RowFacts {
  seq: number;
  tier: string;
  ts: number;
}

const toMs = (v: unknown): number => (v instanceof Date ? v.getTime() : Number(v));

/** seq, tier and ts (epoch ms) of every row of a Parquet object. */
export async function readRowFacts(bytes: Uint8Array): Promise<RowFacts[]> {
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const rows = await parquetReadObjects({ file, columns: ['seq', 'tier', 'ts'], compressors });
  return rows.map((r) => ({ seq: Number(r.seq), tier: String(r.tier), ts: toMs(r.ts) }));
}
