/** Reasoning chains (GET /v1/dashboards/reasoning and /reasoning/:trace_id), read tolerantly. */
import { asArr, asObj, num, str, timeMs, type Json } from './loose.js';

export interface ChainSummary {
  traceId: string;
  agents: string[];
  steps: number;
  avgConfidence: number | undefined;
  status: string;
  lastActivity: number | undefined;
  handoffs: number | undefined;
  errors: number | undefined;
  cost: number | undefined;
  session: string | undefined;
  /** Latest readings of the chain's session: metric → value and unit. */
  biometrics: { metric: string; value: number; unit: string }[];
}

export interface StepNode {
  spanId: string;
  type: string;
  agent: string | undefined;
  text: string;
  confidence: number | undefined;
  cost: number | undefined;
  ts: number | undefined;
  durationMs: number | undefined;
  /** Why this node is odd (orphan, cycle…), when the server says so. */
  note: string | undefined;
  children: StepNode[];
}

function agentsOf(v: unknown): string[] {
  if (Array.isArray(v)) return v.map((a) => (typeof a === 'string' ? a : str(asObj(a), 'agent_id', 'agent') ?? '?'));
  return [];
}

function chain(x: unknown, fallbackStatus: string): ChainSummary | undefined {
  const c = asObj(x);
  const traceId = str(c, 'trace_id');
  if (!c || !traceId) return undefined;
  return {
    traceId,
    agents: agentsOf(c.agents),
    steps: num(c, 'steps', 'step_count') ?? asArr(c.steps).length,
    avgConfidence: num(c, 'avg_confidence'),
    status: str(c, 'status', 'state') ?? fallbackStatus,
    lastActivity: timeMs(c.last_activity ?? c.last_ts ?? c.updated_at ?? c.ended_at ?? c.last_event_at),
    handoffs: num(c, 'handoffs', 'handoff_count'),
    errors: num(c, 'errors', 'error_count'),
    cost: num(c, 'cost_usd'),
    session: str(c, 'session_id'),
    biometrics: readings(c.biometrics),
  };
}

/** `{metric: {value, unit}}` (the server's latest readings) as a list. */
export function readings(v: unknown): { metric: string; value: number; unit: string }[] {
  return Object.entries(asObj(v) ?? {}).flatMap(([metric, r]) => {
    const o = asObj(r);
    const value = num(o, 'value');
    return value === undefined ? [] : [{ metric, value, unit: str(o, 'unit') ?? '' }];
  });
}

/** Active chains first (most recent activity first), then completed and failed ones. */
export function chainList(raw: unknown): ChainSummary[] {
  const o = asObj(raw) ?? {};
  const out: ChainSummary[] = [];
  const seen = new Set<string>();
  for (const [key, status] of [['active_chains', 'active'], ['failed_chains', 'failed'], ['completed_chains', 'completed'], ['recent_chains', 'recent'], ['chains', 'recent']] as const) {
    for (const x of asArr(o[key])) {
      const c = chain(x, status);
      if (c && !seen.has(c.traceId)) {
        seen.add(c.traceId);
        out.push(c);
      }
    }
  }
  return out;
}

function text(s: Json): string {
  const d = asObj(s.data);
  const to = str(s, 'to_agent') ?? str(d, 'to_agent');
  const said = str(s, 'text', 'summary', 'message') ?? str(d, 'text', 'message', 'summary');
  if (to) return `→ ${to}${said ? ` · ${said}` : ''}`;
  const model = str(s, 'model');
  if (model) return `${model}${said ? ` · ${said}` : ''}`;
  return said ?? '';
}

/** What the tree endpoint says about the chain as a whole. */
export interface ChainDetail {
  chain: ChainSummary | undefined;
  truncated: boolean;
  missingParents: number;
  cycles: number;
  /** Latest readings of the chain's session. */
  biometrics: { metric: string; value: number; unit: string }[];
}

export function chainDetail(raw: unknown): ChainDetail {
  const o = asObj(raw) ?? {};
  return {
    chain: chain(o.chain, 'recent'),
    truncated: o.truncated === true,
    missingParents: num(o, 'missing_parents') ?? 0,
    cycles: num(o, 'cycles') ?? 0,
    biometrics: readings(o.biometrics),
  };
}

/** Builds nodes iteratively (a 100,000-step chain must not blow the call stack); caps the total. */
export function stepTree(raw: unknown, maxNodes = 5000): { roots: StepNode[]; total: number; shown: number } {
  const o = asObj(raw) ?? {};
  const top = asArr(o.steps ?? o.roots ?? o.tree);
  const roots: StepNode[] = [];
  let total = num(o, 'step_count', 'total_steps') ?? 0;
  let shown = 0;
  const stack: { items: unknown[]; into: StepNode[] }[] = [{ items: top, into: roots }];
  let counted = 0;
  while (stack.length) {
    const { items, into } = stack.pop()!;
    for (const x of items) {
      const s = asObj(x);
      if (!s) continue;
      counted++;
      const kids = asArr(s.children);
      if (shown >= maxNodes) {
        stack.push({ items: kids, into: [] });
        continue;
      }
      const node: StepNode = {
        spanId: str(s, 'span_id', 'id') ?? '?',
        type: str(s, 'type') ?? 'step',
        agent: str(s, 'agent_id', 'agent'),
        text: text(s),
        confidence: num(s, 'confidence'),
        cost: num(s, 'cost_usd'),
        ts: timeMs(s.ts ?? s.started_at),
        durationMs: num(s, 'duration_ms'),
        note: str(s, 'note', 'problem', 'warning') ?? (s.orphan === true ? 'parent not seen yet' : s.cycle === true ? 'cycle in parent_span_id' : undefined),
        children: [],
      };
      shown++;
      into.push(node);
      if (kids.length) stack.push({ items: kids, into: node.children });
    }
  }
  total = Math.max(total, counted);
  sortTree(roots);
  return { roots, total, shown };
}

function sortTree(roots: StepNode[]): void {
  const stack = [roots];
  while (stack.length) {
    const list = stack.pop()!;
    list.sort((a, b) => (a.ts ?? 0) - (b.ts ?? 0));
    for (const n of list) if (n.children.length) stack.push(n.children);
  }
}
