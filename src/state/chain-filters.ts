/** SQL conditions on chains shared by the reasoning queries. */
import { sql, type SQL } from 'drizzle-orm';
import { chainAgents, chains } from './schema/index.js';

/** The chain has a step by, or a handoff to, this agent. */
export function involves(agent: string): SQL {
  const ca = chainAgents;
  return sql`EXISTS (SELECT 1 FROM ${ca} WHERE ${ca.project} = ${chains.project} AND ${ca.trace_id} = ${chains.trace_id} AND ${ca.agent_id} = ${agent})`;
}
