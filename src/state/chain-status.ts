/**
 * How an event moves a chain's status. A chain (trace_id) is running until an event ends it:
 * - completed: `agent|chain|task|trace|workflow|run` + `.completed|.complete|.finished|.done|.succeeded`,
 *   or an `agent.*` step with `data.status` completed/done/success/succeeded or `data.final: true`;
 * - failed: the same scopes + `.failed|.aborted|.cancelled|.canceled`, or an `agent.*` step with
 *   `data.status` failed/error/aborted.
 * Later events win (a retried chain can complete after a failure). Other `*.error` / `*.failed`
 * events (a tool call that failed) count as errors without ending the chain.
 */
import type { Data } from './event-facts.js';

export type ChainStatus = 'running' | 'completed' | 'failed';

const SCOPES = new Set(['agent', 'chain', 'task', 'trace', 'workflow', 'run']);
const DONE = new Set(['completed', 'complete', 'finished', 'done', 'succeeded', 'success']);
const FAIL = new Set(['failed', 'aborted', 'cancelled', 'canceled']);
const FAIL_STATUS = new Set(['failed', 'failure', 'error', 'aborted']);

/** What the type alone says (cached: a stream has few distinct types, and every event asks). */
interface TypeFacts {
  status: ChainStatus | undefined;
  agentScope: boolean;
}
const typeFacts = new Map<string, TypeFacts>();

function factsOf(type: string): TypeFacts {
  let f = typeFacts.get(type);
  if (f) return f;
  const dot = type.indexOf('.');
  const scope = dot === -1 ? type : type.slice(0, dot);
  const last = type.slice(type.lastIndexOf('.') + 1);
  let status: ChainStatus | undefined;
  if (SCOPES.has(scope) && dot !== -1) {
    if (DONE.has(last)) status = 'completed';
    else if (FAIL.has(last)) status = 'failed';
  }
  f = { status, agentScope: scope === 'agent' };
  if (typeFacts.size >= 10_000) typeFacts.clear();
  typeFacts.set(type, f);
  return f;
}

export function terminalStatus(type: string, d: Data): ChainStatus | undefined {
  const f = factsOf(type);
  if (f.status !== undefined) return f.status;
  if (f.agentScope && d) {
    const s = typeof d.status === 'string' ? d.status.toLowerCase() : undefined;
    if (s !== undefined && FAIL_STATUS.has(s)) return 'failed';
    if (s !== undefined && DONE.has(s)) return 'completed';
    if (d.final === true) return 'completed';
  }
  return undefined;
}

export function isErrorEvent(type: string): boolean {
  return type.endsWith('.error') || type.endsWith('.failed');
}
