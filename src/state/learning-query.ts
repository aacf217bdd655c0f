/**
 * GET /v1/dashboards/learning: memories formed/recalled by type, hypotheses by status with
 * validation rate and progress, knowledge-graph size and hourly growth, and the learning rate —
 * all from the hourly and all-time rollups, so retention sweeps never change the totals.
 */
import { and, desc, eq, gte, sql } from 'drizzle-orm';
import type { SqliteDatabase } from '../runtime/types.js';
import { echoFilters, type DashboardFilters } from './filters.js';
import { inProjects, ratio } from './query-util.js';
import { hypotheses, learningAllHourly, learningHourly, learningTotals } from './schema/index.js';
import { HOUR_MS, hourOf, iso } from './time.js';
import { learningHourlySeries, type HourCounts } from './learning-series.js';

const RECENT_HYPOTHESES = 20;

export function learningDashboard(db: SqliteDatabase, projects: string[], f: DashboardFilters, now: number) {
  const rows = hourlyCounts(db, projects, f);
  const t = learningTotals;
  const totals = db.orm
    .select({ kind: t.kind, n: sql<number>`total(${t.n})` })
    .from(t)
    .where(and(inProjects(t.project, projects), f.agent !== undefined ? eq(t.agent_id, f.agent) : undefined))
    .groupBy(t.kind)
    .all();
  const allTime = (kind: string) => totals.find((r) => r.kind === kind)?.n ?? 0;

  const count = (kind: string) => rows.reduce((s, r) => (r.kind === kind ? s + r.n : s), 0);
  const bySub = (kind: string) => {
    const m = new Map<string, number>();
    for (const r of rows) if (r.kind === kind) m.set(r.subtype, (m.get(r.subtype) ?? 0) + r.n);
    return m;
  };
  const formed = bySub('memory.formed');
  const recalled = bySub('memory.recalled');
  const memoryTypes = [...new Set([...formed.keys(), ...recalled.keys()])];
  const status = bySub('hypothesis.status');
  const byStatus: Record<string, number> = {};
  for (const [s, n] of [...status].sort((a, b) => b[1] - a[1])) if (n > 0) byStatus[s] = n;
  const validated = byStatus.validated ?? 0;
  const rejected = byStatus.rejected ?? 0;
  const withStatus = Object.values(byStatus).reduce((a, b) => a + b, 0);

  const series = learningHourlySeries(rows, f.since, now);
  const nodesBefore = allTime('knowledge.node_added') - count('knowledge.node_added');
  const edgesBefore = allTime('knowledge.edge_added') - count('knowledge.edge_added');
  let nodes = nodesBefore;
  let edges = edgesBefore;
  const learningEvents = series.reduce((s, h) => s + h.learning_events, 0);
  const firstActive = series.find((h) => h.learning_events > 0);
  const hoursCovered = firstActive ? (hourOf(now) - Date.parse(firstActive.hour)) / HOUR_MS + 1 : 1;

  return {
    window: f.window,
    since: iso(f.since),
    filters: echoFilters(f),
    ...(f.session !== undefined || f.model !== undefined ? { ignored_filters: ['session', 'model'].filter((k) => f[k as 'session' | 'model'] !== undefined) } : {}),
    memories: {
      formed: count('memory.formed'),
      recalled: count('memory.recalled'),
      total_formed: allTime('memory.formed'),
      total_recalled: allTime('memory.recalled'),
      by_type: memoryTypes
        .map((memory_type) => ({ memory_type, formed: formed.get(memory_type) ?? 0, recalled: recalled.get(memory_type) ?? 0 }))
        .sort((a, b) => b.formed + b.recalled - (a.formed + a.recalled)),
      hourly: series.map((h) => ({ hour: h.hour, formed: h.memories_formed, recalled: h.memories_recalled })),
    },
    hypotheses: {
      // Hypotheses whose current status was set in the window.
      total: withStatus,
      created: count('hypothesis.created'),
      updated: count('hypothesis.updated'),
      total_created: allTime('hypothesis.created'),
      by_status: byStatus,
      validated,
      rejected,
      open: withStatus - validated - rejected,
      validation_rate: ratio(validated, validated + rejected),
      validation_progress: ratio(validated + rejected, withStatus),
      recent: recentHypotheses(db, projects, f),
    },
    knowledge_graph: {
      nodes: allTime('knowledge.node_added'),
      edges: allTime('knowledge.edge_added'),
      nodes_added: count('knowledge.node_added'),
      edges_added: count('knowledge.edge_added'),
      by_node_type: breakdown(bySub('knowledge.node_added'), 'node_type'),
      by_relation: breakdown(bySub('knowledge.edge_added'), 'relation'),
      hourly: series.map((h: HourCounts) => ({ hour: h.hour, nodes_added: h.nodes_added, edges_added: h.edges_added, nodes: (nodes += h.nodes_added), edges: (edges += h.edges_added) })),
    },
    learning_events: learningEvents,
    // Learning events (memories formed, hypotheses validated, nodes and edges added) per hour since the
    // first active hour of the window; hour-granular, so it only changes when data or the hour does.
    learning_rate_per_hour: Math.round((learningEvents / hoursCovered) * 1000) / 1000,
    hourly: series,
  };
}

/** Counts per hour, kind and subtype in the window: the agent-less rollup unless an agent is asked for. */
function hourlyCounts(db: SqliteDatabase, projects: string[], f: DashboardFilters): { hour: number; kind: string; subtype: string; n: number }[] {
  if (f.agent !== undefined) {
    const l = learningHourly;
    return db.orm
      .select({ hour: l.hour, kind: l.kind, subtype: l.subtype, n: sql<number>`total(${l.n})` })
      .from(l)
      .where(and(inProjects(l.project, projects), gte(l.hour, f.since), eq(l.agent_id, f.agent)))
      .groupBy(l.hour, l.kind, l.subtype)
      .all();
  }
  const a = learningAllHourly;
  return db.orm
    .select({ hour: a.hour, kind: a.kind, subtype: a.subtype, n: sql<number>`total(${a.n})` })
    .from(a)
    .where(and(inProjects(a.project, projects), gte(a.hour, f.since)))
    .groupBy(a.hour, a.kind, a.subtype)
    .all();
}

function breakdown<K extends string>(m: Map<string, number>, key: K): (Record<K, string | null> & { count: number })[] {
  return [...m]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 50)
    .map(([k, count]) => ({ [key]: k === '' ? null : k, count }) as Record<K, string | null> & { count: number });
}

function recentHypotheses(db: SqliteDatabase, projects: string[], f: DashboardFilters) {
  const h = hypotheses;
  return db.orm
    .select()
    .from(h)
    .where(and(inProjects(h.project, projects), gte(h.updated_ts, f.since), f.agent !== undefined ? eq(h.agent_id, f.agent) : undefined))
    .orderBy(desc(h.updated_ts))
    .limit(RECENT_HYPOTHESES)
    .all()
    .map((r) => ({
      hypothesis_id: r.hypothesis_id,
      status: r.status,
      agent_id: r.agent_id === '' ? null : r.agent_id,
      progress: r.progress,
      confidence: r.confidence,
      text: r.text,
      updates: r.updates,
      created_ts: iso(r.created_ts),
      updated_ts: iso(r.updated_ts),
    }));
}
