/** drizzle views of the learning state: hourly and all-time counts by kind, and hypotheses. */
import { integer, primaryKey, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * kind is the event type (memory.formed, knowledge.edge_added, …) or `hypothesis.status`, whose
 * rows move ±1 as hypotheses change status; subtype is memory_type, node type, relation or status.
 */
export const learningHourly = sqliteTable(
  'learning_hourly',
  {
    project: text('project').notNull(),
    hour: integer('hour').notNull(),
    agent_id: text('agent_id').notNull(),
    kind: text('kind').notNull(),
    subtype: text('subtype').notNull(),
    n: integer('n').notNull(),
  },
  (t) => [primaryKey({ columns: [t.project, t.hour, t.agent_id, t.kind, t.subtype] })],
);

/** learning_hourly without the agent, for unfiltered views. */
export const learningAllHourly = sqliteTable(
  'learning_all_hourly',
  {
    project: text('project').notNull(),
    hour: integer('hour').notNull(),
    kind: text('kind').notNull(),
    subtype: text('subtype').notNull(),
    n: integer('n').notNull(),
  },
  (t) => [primaryKey({ columns: [t.project, t.hour, t.kind, t.subtype] })],
);

export const learningTotals = sqliteTable(
  'learning_totals',
  {
    project: text('project').notNull(),
    agent_id: text('agent_id').notNull(),
    kind: text('kind').notNull(),
    subtype: text('subtype').notNull(),
    n: integer('n').notNull(),
  },
  (t) => [primaryKey({ columns: [t.project, t.agent_id, t.kind, t.subtype] })],
);

export const hypotheses = sqliteTable(
  'hypotheses',
  {
    project: text('project').notNull(),
    hypothesis_id: text('hypothesis_id').notNull(),
    agent_id: text('agent_id').notNull(),
    session_id: text('session_id'),
    status: text('status').notNull(),
    created_ts: integer('created_ts').notNull(),
    updated_ts: integer('updated_ts').notNull(),
    status_ts: integer('status_ts').notNull(),
    updates: integer('updates').notNull(),
    progress: real('progress'),
    confidence: real('confidence'),
    text: text('text'),
    keep_until: integer('keep_until').notNull(),
  },
  (t) => [primaryKey({ columns: [t.project, t.hypothesis_id] })],
);
