/** drizzle views of context state: agents seen, latest biometric readings per agent/session, the watermark. */
import { integer, primaryKey, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const agents = sqliteTable(
  'agents',
  {
    project: text('project').notNull(),
    agent_id: text('agent_id').notNull(),
    first_ts: integer('first_ts').notNull(),
    last_ts: integer('last_ts').notNull(),
    events: integer('events').notNull(),
    keep_until: integer('keep_until').notNull(),
  },
  (t) => [primaryKey({ columns: [t.project, t.agent_id] })],
);

/** subject is 'agent' or 'session'; one row per metric holds the latest reading. */
export const biometrics = sqliteTable(
  'biometrics',
  {
    project: text('project').notNull(),
    subject: text('subject').notNull(),
    subject_id: text('subject_id').notNull(),
    metric: text('metric').notNull(),
    value: real('value').notNull(),
    unit: text('unit'),
    ts: integer('ts').notNull(),
    readings: integer('readings').notNull(),
    keep_until: integer('keep_until').notNull(),
  },
  (t) => [primaryKey({ columns: [t.project, t.subject, t.subject_id, t.metric] })],
);

/** Every project that has state, so "all projects" queries can use the (project, …) keys. */
export const stateProjects = sqliteTable('state_projects', { project: text('project').primaryKey() });

/** Each state part's last applied seq (see log-follower.ts). */
export const stateMarks = sqliteTable('state_marks', {
  part: text('part').primaryKey(),
  seq: integer('seq').notNull(),
});

/** The last seq whose effects are in every state table: the lowest of state_marks (one row). */
export const stateWatermark = sqliteTable('state_watermark', {
  id: integer('id').primaryKey(),
  seq: integer('seq').notNull(),
});
