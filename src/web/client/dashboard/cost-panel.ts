/** Cost: totals, hourly spend, cache-hit rate, spend by model and by agent. */
import { BarChart, PALETTE, TimeChart } from '../lib/charts.js';
import { costView, type CostView } from '../lib/cost-model.js';
import { byId, h, setText } from '../lib/dom.js';
import { count, percent, plural, usd } from '../lib/format.js';
import { renderKpis, renderTable } from '../lib/widgets.js';

/** Live frames cover the default window; another window is re-read on each change signal. */
export const DEFAULT_COST_WINDOW = '24h';

export class CostPanel {
  private readonly hourly = new TimeChart(byId('cost-hourly'), [{ label: 'spend', bars: true, value: (v) => usd(v) }], 150, (v) => usd(v));
  private readonly cache = new TimeChart(byId('cost-cache'), [{ label: 'cache-hit rate', color: PALETTE[2], bars: true, value: (v) => percent(v) }], 150, (v) => percent(v));
  private readonly models = new BarChart(byId('cost-models'), 'spend', PALETTE[1], 150, (v) => usd(v));
  private readonly agents = new BarChart(byId('cost-agents'), 'spend', PALETTE[4], 150, (v) => usd(v));
  /** Overall cache-hit rate samples taken as frames arrive, for when the server gives no hourly rate. */
  private readonly cacheSamples: { t: number; rate: number }[] = [];
  last: CostView | undefined;

  constructor(onWindow: (w: string) => void) {
    const select = byId<HTMLSelectElement>('cost-window');
    select.onchange = () => onWindow(select.value);
  }

  get window(): string {
    return byId<HTMLSelectElement>('cost-window').value;
  }

  show(raw: unknown): void {
    const v = costView(raw);
    this.last = v;
    renderKpis(byId('cost-kpis'), [
      { label: `spend (${v.window ?? this.window})`, value: usd(v.total) },
      { label: 'cache-hit rate', value: percent(v.cacheHitRate), title: 'cache-read tokens / input tokens' },
      { label: 'priced calls', value: count(v.calls - v.unpricedCalls) },
      { label: 'unpriced calls', value: count(v.unpricedCalls), bad: v.unpricedCalls > 0, title: 'models with no known price: counted, never guessed' },
      ...(v.handoffCost !== undefined ? [{ label: `after ${plural(v.handoffs ?? 0, 'handoff')}`, value: usd(v.handoffCost), title: 'spend of the receiving agents after a handoff' }] : []),
    ]);
    this.hourly.setData(v.hourly.map((x) => x.t), [v.hourly.map((x) => x.cost)]);
    this.showCache(v);
    this.models.setData(v.byModel.map((m) => m.model), v.byModel.map((m) => m.cost));
    const agents = v.byAgent.slice(0, 12);
    this.agents.setData(agents.map((a) => a.agent), agents.map((a) => a.cost));
    renderTable(
      byId<HTMLTableElement>('cost-table'),
      ['model', 'calls', 'input tok', 'cached', 'output tok', 'spend'],
      v.byModel.map((m) => [
        m.priced ? m.model : h('span', {}, m.model, ' ', h('span', { class: 'tag unpriced', title: 'no price known for this model' }, 'unpriced')),
        count(m.calls),
        count(m.inputTokens),
        m.inputTokens ? percent(m.cacheReadTokens / m.inputTokens) : '—',
        count(m.outputTokens),
        m.priced ? usd(m.cost) : '—',
      ]),
      [1, 2, 3, 4, 5],
    );
    setText(byId('cost-note'), v.byModel.length ? '' : 'no LLM calls with usage in this window yet');
  }

  private showCache(v: CostView): void {
    // Every hour of the window, with gaps where no tokens were counted, so the axis spans the window.
    if (v.hourly.some((x) => x.cacheHitRate !== null)) {
      this.cache.setData(v.hourly.map((x) => x.t), [v.hourly.map((x) => x.cacheHitRate)]);
      return;
    }
    if (v.cacheHitRate === undefined) return;
    this.cacheSamples.push({ t: Date.now() / 1000, rate: v.cacheHitRate });
    if (this.cacheSamples.length > 600) this.cacheSamples.shift();
    this.cache.setData(this.cacheSamples.map((s) => s.t), [this.cacheSamples.map((s) => s.rate)]);
  }
}
