/**
 * Encodes stored events as one Parquet file (dictionary encoding and column statistics come from
 * hyparquet-writer; the codec from compression.ts). A row group is encoded in one synchronous step.
 * The server does it on the archive's encoder thread (worker/); only cluster mode and the fallback
 * do it on the event loop, where ingest and the live stream wait while a group is encoded (~0.3 s
 * at 32k rows on Bun). ROW_GROUP_ROWS trades that, and the encoder's memory, against reader
 * efficiency (bigger is better; DuckDB writes 122,880): 32,768 rows are 1–3 MB compressed, well
 * above the "sliver" sizes readers dislike.
 */
import { ByteWriter, ParquetWriter, type ColumnSource } from 'hyparquet-writer';
import type { StoredEvent } from '../core/event.js';
import type { Codec } from './compression.js';
import { COLUMNS, SCHEMA } from './parquet-schema.js';

export const ROW_GROUP_ROWS = 32_768;
const CREATED_BY = 'auren-realtime';

function columnData(events: readonly StoredEvent[]): ColumnSource[] {
  return COLUMNS.map((c) => {
    const values: (string | number | bigint | null)[] = new Array(events.length);
    for (let i = 0; i < events.length; i++) {
      const v = c.get(events[i]);
      // INT64 columns take bigints; timestamps are converted by the writer from epoch ms.
      values[i] = v === undefined || v === null ? null : c.kind === 'int64' ? BigInt(v) : v;
    }
    // seq only grows and ts mostly does: delta encoding stores them in a few bits per row.
    // (received_at gains little from it: its values repeat per request, which dictionaries catch.)
    const delta = c.name === 'seq' || c.name === 'ts';
    // Min/max of JSON text prune nothing a reader asks for, cost the encoder a comparison per row,
    // and would put two whole `data` values (up to --max-event-data each) in every row group's footer.
    const noStats = c.name === 'data';
    return { name: c.name, data: values, ...(delta ? { encoding: 'DELTA_BINARY_PACKED' as const } : {}), ...(noStats ? { statistics: false } : {}) };
  });
}

export interface EncodeOptions {
  codec: Pick<Codec, 'name' | 'compress'>;
  /** Yields to the event loop between row groups so ingest is not starved by a large file. */
  yieldBetweenGroups?: () => Promise<void>;
  rowGroupRows?: number;
}

/** Encodes events (any order; written as given) to Parquet bytes. */
export async function encodeParquet(events: readonly StoredEvent[], o: EncodeOptions): Promise<Uint8Array> {
  const writer = new ByteWriter(Math.max(1024, events.length * 64));
  if (o.yieldBetweenGroups) (writer as { flush?: () => Promise<void> }).flush = o.yieldBetweenGroups;
  const pq = new ParquetWriter({
    writer,
    schema: SCHEMA,
    codec: o.codec.name,
    compressors: { [o.codec.name]: o.codec.compress },
    createdBy: CREATED_BY,
  });
  await pq.write({ columnData: columnData(events), rowGroupSize: o.rowGroupRows ?? ROW_GROUP_ROWS });
  pq.finish();
  return writer.getBytes();
}
