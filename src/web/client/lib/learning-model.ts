/** The learning dashboard's data (GET /v1/dashboards/learning or a live frame), read tolerantly. */
import { asArr, asObj, num, pairs, timeMs } from './loose.js';

export interface LearningView {
  memoriesFormed: number;
  memoriesRecalled: number;
  memoriesByType: { label: string; value: number }[];
  hypothesesTotal: number;
  hypothesesByStatus: { label: string; value: number }[];
  /** validated / (validated + rejected), when anything was decided. */
  validationRate: number | undefined;
  nodes: number;
  edges: number;
  /** Hour starts (epoch seconds) with nodes and edges added that hour. */
  graphHourly: { t: number; nodes: number; edges: number }[];
  learningRatePerHour: number | undefined;
}

export function learningView(raw: unknown): LearningView {
  const o = asObj(raw) ?? {};
  const mem = asObj(o.memories) ?? {};
  const hyp = asObj(o.hypotheses) ?? {};
  const kg = asObj(o.knowledge_graph) ?? {};
  const byType = pairs(mem.by_type ?? mem.types, ['memory_type', 'type'], ['formed', 'count', 'total']);
  const byStatus = pairs(hyp.by_status ?? hyp.statuses, ['status'], ['count', 'total']);
  const status = (s: string) => byStatus.find((p) => p.label === s)?.value ?? 0;
  const decided = status('validated') + status('rejected');
  const graphHourly = asArr(kg.hourly ?? kg.growth).flatMap((x) => {
    const h = asObj(x);
    const t = timeMs(h?.hour ?? h?.ts ?? h?.t ?? h?.start);
    if (!h || t === undefined) return [];
    return [{ t: Math.floor(t / 1000), nodes: num(h, 'nodes', 'nodes_added') ?? 0, edges: num(h, 'edges', 'edges_added') ?? 0 }];
  }).sort((a, b) => a.t - b.t);
  return {
    memoriesFormed: num(mem, 'formed', 'total_formed', 'total') ?? byType.reduce((a, p) => a + p.value, 0),
    memoriesRecalled: num(mem, 'recalled', 'total_recalled') ?? 0,
    memoriesByType: byType,
    hypothesesTotal: num(hyp, 'total', 'count') ?? byStatus.reduce((a, p) => a + p.value, 0),
    hypothesesByStatus: byStatus,
    validationRate: num(hyp, 'validation_rate') ?? (decided > 0 ? status('validated') / decided : undefined),
    nodes: num(kg, 'nodes', 'node_count', 'total_nodes') ?? 0,
    edges: num(kg, 'edges', 'edge_count', 'total_edges') ?? 0,
    graphHourly,
    learningRatePerHour: num(o, 'learning_rate_per_hour'),
  };
}
