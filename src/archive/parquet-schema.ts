/**
 * The archive's Parquet schema: the contract's columns in order, with times as UTC timestamps,
 * counts as INT64 and `data` as the event's JSON text (a string column, never re-encoded).
 */
import type { SchemaElement } from 'hyparquet-writer';
import type { StoredEvent } from '../core/event.js';

type Kind = 'int64' | 'timestamp' | 'string' | 'double';

interface ColumnDef {
  name: string;
  kind: Kind;
  required: boolean;
  /** The column's value for one event; undefined/null = NULL. */
  get: (e: StoredEvent) => string | number | null | undefined;
}

const col = (name: string, kind: Kind, required: boolean, get: ColumnDef['get']): ColumnDef => ({ name, kind, required, get });

export const COLUMNS: readonly ColumnDef[] = [
  col('seq', 'int64', true, (e) => e.seq),
  col('id', 'string', true, (e) => e.id),
  col('ts', 'timestamp', true, (e) => e.ts),
  col('received_at', 'timestamp', true, (e) => e.received_at),
  col('project', 'string', true, (e) => e.project),
  col('tier', 'string', true, (e) => e.tier),
  col('type', 'string', true, (e) => e.type),
  col('agent_id', 'string', false, (e) => e.agent_id),
  col('session_id', 'string', false, (e) => e.session_id),
  col('trace_id', 'string', false, (e) => e.trace_id),
  col('span_id', 'string', false, (e) => e.span_id),
  col('parent_span_id', 'string', false, (e) => e.parent_span_id),
  col('model', 'string', false, (e) => e.model),
  col('input_tokens', 'int64', false, (e) => e.usage?.input_tokens),
  col('output_tokens', 'int64', false, (e) => e.usage?.output_tokens),
  col('cache_read_tokens', 'int64', false, (e) => e.usage?.cache_read_tokens),
  col('cache_write_tokens', 'int64', false, (e) => e.usage?.cache_write_tokens),
  col('reasoning_tokens', 'int64', false, (e) => e.usage?.reasoning_tokens),
  col('cost_usd', 'double', false, (e) => e.cost_usd),
  col('confidence', 'double', false, (e) => e.confidence),
  col('data', 'string', false, (e) => e.data_json),
];

function element(c: ColumnDef): SchemaElement {
  const repetition_type = c.required ? 'REQUIRED' : 'OPTIONAL';
  switch (c.kind) {
    case 'int64':
      return { name: c.name, type: 'INT64', repetition_type };
    case 'double':
      return { name: c.name, type: 'DOUBLE', repetition_type };
    case 'string':
      return { name: c.name, type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' }, repetition_type };
    case 'timestamp':
      // Both annotations: the logical type says UTC (DuckDB reads TIMESTAMP WITH TIME ZONE), the
      // converted type keeps older readers (Hive, Athena engine 2) working.
      return {
        name: c.name, type: 'INT64', converted_type: 'TIMESTAMP_MILLIS',
        logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' }, repetition_type,
      };
  }
}

export const SCHEMA: SchemaElement[] = [{ name: 'root', num_children: COLUMNS.length }, ...COLUMNS.map(element)];
