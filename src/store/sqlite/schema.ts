/** drizzle view of the events table, for readers that query it with the query builder. */
import { integer, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const events = sqliteTable('events', {
  seq: integer('seq').primaryKey(),
  id: text('id').notNull(),
  ts: integer('ts').notNull(),
  received_at: integer('received_at').notNull(),
  project: text('project').notNull(),
  tier: text('tier').notNull(),
  type: text('type').notNull(),
  agent_id: text('agent_id'),
  session_id: text('session_id'),
  trace_id: text('trace_id'),
  span_id: text('span_id'),
  parent_span_id: text('parent_span_id'),
  model: text('model'),
  input_tokens: integer('input_tokens'),
  output_tokens: integer('output_tokens'),
  cache_read_tokens: integer('cache_read_tokens'),
  cache_write_tokens: integer('cache_write_tokens'),
  reasoning_tokens: integer('reasoning_tokens'),
  cost_usd: real('cost_usd'),
  confidence: real('confidence'),
  data: text('data'),
});
