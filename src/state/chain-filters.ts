/** SQL conditions on chains shared by the reasoning queries. */
import { sql, type SQL } from 'drizzle-orm';
import { chainAgents, chains } from './schema/index.js';

/** The chain has a step by, or a handoff to, this agent. */
export function involves(agent: string): SQL {
  const ca = chainAgents;
  return sql`EXISTS (SELECT 1 FROM ${ca} WHERE ${ca.project} = ${chains.project} AND ${ca.trace_id} = ${chains.trace_id} AND ${ca.agent_id} = ${agent})`;
}

/**
 * Activity since `since`, written so SQLite does not use the last_ts index for it: with a session
 * filter, the session index finds a handful of chains, while a day of last_ts is thousands.
 */
export function activeSince(since: number): SQL {
  return sql`+${chains.last_ts} >= ${since}`;
}
