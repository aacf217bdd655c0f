/** Learning: memories by type, hypotheses by status, knowledge-graph growth, learning rate. */
import { BarChart, PALETTE, TimeChart } from '../lib/charts.js';
import { byId, setText } from '../lib/dom.js';
import { count, percent } from '../lib/format.js';
import { learningView } from '../lib/learning-model.js';
import { asArr, asObj, num, str } from '../lib/loose.js';
import { h } from '../lib/dom.js';
import { clip } from '../lib/format.js';
import { renderKpis, renderTable } from '../lib/widgets.js';

const STATUS_ORDER = ['proposed', 'created', 'open', 'testing', 'updated', 'validated', 'rejected'];

export class LearningPanel {
  private showRecent(raw: unknown): void {
    const recent = recentHypotheses(raw).slice(0, 8);
    renderTable(
      byId<HTMLTableElement>('learning-hypotheses-table'),
      ['hypothesis', 'status', 'progress'],
      recent.map((r) => [{ text: clip(r.text || r.id, 48), title: `${r.id}: ${r.text}` }, h('span', { class: `tag ${r.status}` }, r.status), r.progress !== undefined ? percent(r.progress) : '—']),
      [2],
    );
  }

  private readonly memories = new BarChart(byId('learning-memories'), 'formed', PALETTE[5], 130);
  private readonly hypotheses = new BarChart(byId('learning-hypotheses'), 'hypotheses', PALETTE[3], 130);
  private readonly graph = new TimeChart(byId('learning-graph'), [{ label: 'nodes', color: PALETTE[0] }, { label: 'edges', color: PALETTE[1] }], 140, (v) => count(v));

  show(raw: unknown): void {
    const v = learningView(raw);
    renderKpis(byId('learning-kpis'), [
      { label: 'memories formed', value: count(v.memoriesFormed) },
      { label: 'recalled', value: count(v.memoriesRecalled) },
      { label: 'hypotheses', value: count(v.hypothesesTotal) },
      { label: 'validated', value: percent(v.validationRate), title: 'validated / (validated + rejected)' },
      { label: 'graph nodes / edges', value: `${count(v.nodes)} / ${count(v.edges)}` },
      { label: 'learning / hour', value: count(v.learningRatePerHour) },
    ]);
    this.memories.setData(v.memoriesByType.map((p) => p.label), v.memoriesByType.map((p) => p.value));
    const statuses = [...v.hypothesesByStatus].sort((a, b) => rank(a.label) - rank(b.label));
    this.hypotheses.setData(statuses.map((p) => p.label), statuses.map((p) => p.value));
    this.graph.setData(v.graphHourly.map((x) => x.t), [v.graphHourly.map((x) => x.nodes), v.graphHourly.map((x) => x.edges)]);
    this.showRecent(raw);
    setText(byId('learning-note'), v.memoriesFormed + v.hypothesesTotal + v.nodes === 0 ? 'no memory, hypothesis or knowledge events yet' : '');
  }
}

export interface RecentHypothesis {
  id: string;
  status: string;
  progress: number | undefined;
  text: string;
}

/** The hypotheses most recently updated, with their validation progress. */
function recentHypotheses(raw: unknown): RecentHypothesis[] {
  return asArr(asObj(asObj(raw)?.hypotheses)?.recent).flatMap((x) => {
    const o = asObj(x);
    const id = str(o, 'hypothesis_id');
    return id ? [{ id, status: str(o, 'status') ?? '?', progress: num(o, 'progress'), text: str(o, 'text') ?? '' }] : [];
  });
}

function rank(status: string): number {
  const i = STATUS_ORDER.indexOf(status);
  return i < 0 ? STATUS_ORDER.length : i;
}
