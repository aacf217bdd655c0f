/** drizzle views of the reasoning state: chains (one per trace_id), their agents and steps, hourly rollups. */
import { integer, primaryKey, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const chains = sqliteTable(
  'chains',
  {
    project: text('project').notNull(),
    trace_id: text('trace_id').notNull(),
    session_id: text('session_id'),
    first_ts: integer('first_ts').notNull(),
    last_ts: integer('last_ts').notNull(),
    events: integer('events').notNull(),
    conf_sum: real('conf_sum').notNull(),
    conf_n: integer('conf_n').notNull(),
    handoffs: integer('handoffs').notNull(),
    errors: integer('errors').notNull(),
    cost_usd: real('cost_usd').notNull(),
    /** running | completed | failed */
    status: text('status').notNull(),
    ended_ts: integer('ended_ts'),
    last_type: text('last_type').notNull(),
    last_agent: text('last_agent'),
    /** seq of the latest agent.* event with data: its text is read from the log when shown. */
    text_seq: integer('text_seq'),
    keep_until: integer('keep_until').notNull(),
  },
  (t) => [primaryKey({ columns: [t.project, t.trace_id] })],
);

export const chainAgents = sqliteTable(
  'chain_agents',
  {
    project: text('project').notNull(),
    trace_id: text('trace_id').notNull(),
    agent_id: text('agent_id').notNull(),
    /** The agent that last handed work to this one in the chain. */
    handed_from: text('handed_from'),
    handoffs_in: integer('handoffs_in').notNull(),
    steps: integer('steps').notNull(),
    conf_sum: real('conf_sum').notNull(),
    conf_n: integer('conf_n').notNull(),
    first_ts: integer('first_ts').notNull(),
    last_ts: integer('last_ts').notNull(),
    cost_usd: real('cost_usd').notNull(),
    handoff_cost_usd: real('handoff_cost_usd').notNull(),
  },
  (t) => [primaryKey({ columns: [t.project, t.trace_id, t.agent_id] })],
);

/**
 * A chain's steps, one row per chain per applied batch: `steps` is a JSON array of step tuples
 * (see step-page.ts). One insert per chain per batch instead of one per event keeps the hot path cheap.
 */
export const chainStepPages = sqliteTable(
  'chain_step_pages',
  {
    project: text('project').notNull(),
    trace_id: text('trace_id').notNull(),
    first_seq: integer('first_seq').notNull(),
    steps: text('steps').notNull(),
  },
  (t) => [primaryKey({ columns: [t.project, t.trace_id, t.first_seq] })],
);

/** agent_id '' holds the all-agents totals; chains = chains started (or joined, per agent) in the hour. */
export const chainHourly = sqliteTable(
  'chain_hourly',
  {
    project: text('project').notNull(),
    hour: integer('hour').notNull(),
    agent_id: text('agent_id').notNull(),
    chains: integer('chains').notNull(),
    completed: integer('completed').notNull(),
    failed: integer('failed').notNull(),
    steps: integer('steps').notNull(),
    conf_sum: real('conf_sum').notNull(),
    conf_n: integer('conf_n').notNull(),
    handoffs_out: integer('handoffs_out').notNull(),
    handoffs_in: integer('handoffs_in').notNull(),
    errors: integer('errors').notNull(),
  },
  (t) => [primaryKey({ columns: [t.project, t.hour, t.agent_id] })],
);
