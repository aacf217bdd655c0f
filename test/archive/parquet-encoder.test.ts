/** The Parquet files the archive writes, read back by DuckDB: column types, values, nulls, JSON text. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pickCodec } from '../../src/archive/compression.js';
import { encodeParquet } from '../../src/archive/parquet-encoder.js';
import { archiveSizeReport } from '../../src/archive/size-report.js';
import type { StoredEvent } from '../../src/core/event.js';
import { tempDir } from '../helpers/config.js';
import { duckQuery } from './helpers/duckdb.js';
import { agentEvents } from './fixtures/agent-events.js';

const codec = pickCodec({});

async function writeFile(events: StoredEvent[], rowGroupRows?: number): Promise<string> {
  const dir = tempDir('auren-pq-');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'x.parquet');
  writeFileSync(path, await encodeParquet(events, { codec, rowGroupRows }));
  return path;
}

describe('Parquet encoder (read back with DuckDB)', () => {
  it('writes the contract columns with the right types', async () => {
    const path = await writeFile(agentEvents({ count: 50 }));
    const cols = await duckQuery(`DESCRIBE SELECT * FROM read_parquet('${path}')`);
    const types = Object.fromEntries(cols.map((c) => [c.column_name, c.column_type]));
    expect(types).toEqual({
      seq: 'BIGINT', id: 'VARCHAR', ts: 'TIMESTAMP WITH TIME ZONE', received_at: 'TIMESTAMP WITH TIME ZONE',
      project: 'VARCHAR', tier: 'VARCHAR', type: 'VARCHAR', agent_id: 'VARCHAR', session_id: 'VARCHAR',
      trace_id: 'VARCHAR', span_id: 'VARCHAR', parent_span_id: 'VARCHAR', model: 'VARCHAR',
      input_tokens: 'BIGINT', output_tokens: 'BIGINT', cache_read_tokens: 'BIGINT', cache_write_tokens: 'BIGINT',
      reasoning_tokens: 'BIGINT', cost_usd: 'DOUBLE', confidence: 'DOUBLE', data: 'VARCHAR',
    });
    const meta = await duckQuery(`SELECT DISTINCT compression FROM parquet_metadata('${path}')`);
    expect(meta.map((m) => m.compression)).toEqual(['GZIP']);
  });

  it('keeps every value: UTC times to the millisecond, nulls, JSON text as sent (not double-encoded)', async () => {
    const e: StoredEvent = {
      seq: 9_007_199_254_740_000, id: 'evt-ü-1', ts: Date.UTC(2025, 0, 2, 3, 4, 5, 678), received_at: Date.UTC(2025, 0, 2, 3, 4, 6, 1),
      project: 'p', tier: 'critical', type: 'tool.error', agent_id: 'a', model: 'gpt-4o',
      usage: { input_tokens: 3_000_000_000, output_tokens: 0 }, cost_usd: 0.0125, confidence: 0.5,
      data_json: '{"text":"line\\n\\"quoted\\"","n":[1,2]}',
    };
    const bare: StoredEvent = { seq: 2, id: 'b', ts: 0, received_at: 1, project: 'p', tier: 'operational', type: 'x.y' };
    const path = await writeFile([e, bare]);
    const rows = await duckQuery(
      `SELECT seq::VARCHAR AS seq, id, epoch_ms(ts) AS ts, strftime(ts AT TIME ZONE 'UTC', '%Y-%m-%d %H:%M:%S.%g') AS ts_text,
              epoch_ms(received_at) AS rat, input_tokens, output_tokens, cache_read_tokens, cost_usd, confidence, model, agent_id,
              data, json_extract_string(data, '$.text') AS text, json_type(data) AS jt
       FROM read_parquet('${path}') ORDER BY seq`,
    );
    expect(rows[1]).toMatchObject({
      seq: '9007199254740000', id: 'evt-ü-1', ts: e.ts, ts_text: '2025-01-02 03:04:05.678', rat: e.received_at,
      input_tokens: 3_000_000_000, output_tokens: 0, cache_read_tokens: null, cost_usd: 0.0125, confidence: 0.5,
      model: 'gpt-4o', agent_id: 'a', data: e.data_json, text: 'line\n"quoted"', jt: 'OBJECT',
    });
    expect(rows[0]).toMatchObject({ seq: '2', ts: 0, model: null, agent_id: null, data: null, input_tokens: null, cost_usd: null });
  });

  it('sizes row groups for readers, with statistics and dictionaries', async () => {
    const path = await writeFile(agentEvents({ count: 30_000 }), 12_000);
    const groups = await duckQuery(`SELECT row_group_id, max(row_group_num_rows) AS n FROM parquet_metadata('${path}') GROUP BY 1 ORDER BY 1`);
    expect(groups.map((g) => Number(g.n))).toEqual([12_000, 12_000, 6_000]);
    const stats = await duckQuery(
      `SELECT path_in_schema AS col, stats_min_value AS lo, stats_max_value AS hi, encodings FROM parquet_metadata('${path}') WHERE row_group_id = 0`,
    );
    const byCol = Object.fromEntries(stats.map((s) => [s.col, s]));
    expect(byCol.seq).toMatchObject({ lo: '1', hi: '12000' });
    expect(byCol.id.lo).not.toBeNull();
    // No min/max for the JSON text: nothing prunes by it, and it would copy two payloads per group.
    expect(byCol.data).toMatchObject({ lo: null, hi: null });
    expect(String(byCol.type.encodings)).toContain('RLE_DICTIONARY');
  });

  it('is under 15% of NDJSON and smaller than gzip NDJSON for an agent workload', async () => {
    const r = await archiveSizeReport(agentEvents({ count: 20_000 }), {});
    expect(r.parquetRatio).toBeLessThan(0.15);
    expect(r.parquetBytes).toBeLessThan(r.gzipNdjsonBytes);
  });
});
