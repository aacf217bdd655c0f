/**
 * Encodes stored events as one Parquet file (dictionary encoding and column statistics come from
 * hyparquet-writer; the codec from compression.ts). Row groups hold up to ROW_GROUP_ROWS rows, the
 * size DuckDB itself writes, so readers get few, well-sized groups.
 */
import { ByteWriter, ParquetWriter, type ColumnSource } from 'hyparquet-writer';
import type { StoredEvent } from '../core/event.js';
import type { Codec } from './compression.js';
import { COLUMNS, SCHEMA } from './parquet-schema.js';

export const ROW_GROUP_ROWS = 122_880;
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
    const delta = c.name === 'seq' || c.kind === 'timestamp';
    return { name: c.name, data: values, ...(delta ? { encoding: 'DELTA_BINARY_PACKED' as const } : {}) };
  });
}

export interface EncodeOptions {
  codec: Codec;
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
