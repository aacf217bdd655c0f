/** drizzle views of the cost rollups: per hour × agent × model, per session, and per handoff pair. */
import { integer, primaryKey, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';

const usageColumns = () => ({
  calls: integer('calls').notNull(),
  unpriced_calls: integer('unpriced_calls').notNull(),
  input_tokens: integer('input_tokens').notNull(),
  output_tokens: integer('output_tokens').notNull(),
  cache_read_tokens: integer('cache_read_tokens').notNull(),
  cache_write_tokens: integer('cache_write_tokens').notNull(),
  reasoning_tokens: integer('reasoning_tokens').notNull(),
  cost_usd: real('cost_usd').notNull(),
});

/** Absent agent or model is stored as '' so rows merge; responses show null. */
export const costHourly = sqliteTable(
  'cost_hourly',
  { project: text('project').notNull(), hour: integer('hour').notNull(), agent_id: text('agent_id').notNull(), model: text('model').notNull(), ...usageColumns() },
  (t) => [primaryKey({ columns: [t.project, t.hour, t.agent_id, t.model] })],
);

/** The same sums without the agent (model views) and without the model (agent views). */
export const costModelHourly = sqliteTable(
  'cost_model_hourly',
  { project: text('project').notNull(), hour: integer('hour').notNull(), model: text('model').notNull(), ...usageColumns() },
  (t) => [primaryKey({ columns: [t.project, t.hour, t.model] })],
);

export const costAgentHourly = sqliteTable(
  'cost_agent_hourly',
  { project: text('project').notNull(), hour: integer('hour').notNull(), agent_id: text('agent_id').notNull(), ...usageColumns() },
  (t) => [primaryKey({ columns: [t.project, t.hour, t.agent_id] })],
);

export const costSessionHourly = sqliteTable(
  'cost_session_hourly',
  {
    project: text('project').notNull(),
    hour: integer('hour').notNull(),
    session_id: text('session_id').notNull(),
    agent_id: text('agent_id').notNull(),
    model: text('model').notNull(),
    ...usageColumns(),
  },
  // Hour first: the rows a batch touches sit together at the end of the tree.
  (t) => [primaryKey({ columns: [t.project, t.hour, t.session_id, t.agent_id, t.model] })],
);

/** Handoffs between agents and the cost the receiving agent incurred on the work handed over. */
export const handoffHourly = sqliteTable(
  'handoff_hourly',
  {
    project: text('project').notNull(),
    hour: integer('hour').notNull(),
    from_agent: text('from_agent').notNull(),
    to_agent: text('to_agent').notNull(),
    handoffs: integer('handoffs').notNull(),
    calls: integer('calls').notNull(),
    cost_usd: real('cost_usd').notNull(),
  },
  (t) => [primaryKey({ columns: [t.project, t.hour, t.from_agent, t.to_agent] })],
);
