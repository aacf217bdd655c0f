/**
 * Archive size and encode speed for a realistic agent workload, next to NDJSON and gzip'd NDJSON:
 *   npx bun test/archive/measure-size.ts [EVENTS]
 * Under Bun both codecs are measured (zstd is what the binary writes, gzip what Node writes).
 */
import { gzipSync } from 'node:zlib';
import * as zlib from 'node:zlib';
import { archiveSizeReport } from '../../src/archive/size-report.js';
import { encodeParquet } from '../../src/archive/parquet-encoder.js';
import { agentEvents } from './fixtures/agent-events.js';

const n = Number(process.argv[2] ?? 200_000);
const events = agentEvents({ count: n });
const zstd = (zlib as unknown as { zstdCompressSync?: (b: Uint8Array, o?: object) => Uint8Array }).zstdCompressSync;
/** zlib.constants.ZSTD_c_compressionLevel (missing from Node 20's types). */
const ZSTD_LEVEL = 100;
const mib = (b: number) => (b / 1048576).toFixed(1).padStart(7) + ' MiB';

await encodeParquet(events.slice(0, 20_000), { codec: { name: 'GZIP', compress: (b) => gzipSync(b) } }); // warm up
for (const runtime of zstd ? [{}, { zstdCompress: (b: Uint8Array, level = 3) => zstd(b, { params: { [ZSTD_LEVEL]: level } }) }] : [{}]) {
  const r = await archiveSizeReport(events, runtime);
  console.log(
    `${r.rows} events  NDJSON ${mib(r.ndjsonBytes)}  gzip NDJSON ${mib(r.gzipNdjsonBytes)} (${((100 * r.gzipNdjsonBytes) / r.ndjsonBytes).toFixed(1)}%)` +
      `  Parquet ${r.codec.padEnd(4)} ${mib(r.parquetBytes)} (${(100 * r.parquetRatio).toFixed(1)}% of NDJSON, ${((100 * r.parquetBytes) / r.gzipNdjsonBytes).toFixed(0)}% of gzip NDJSON)` +
      `  encode ${Math.round(r.rows / (r.encodeMs / 1000))} events/s`,
  );
}
