/** Reasoning chains: the list of recent chains and, for the picked one, its step tree. */
import { byId, h, replaceChildren, setText } from '../lib/dom.js';
import { ago, clip, percent, plural, usd } from '../lib/format.js';
import { chainDetail, chainList, stepTree, type ChainSummary, type StepNode } from '../lib/reasoning-model.js';
import { renderTable } from '../lib/widgets.js';

const MAX_LISTED = 60;

export class ReasoningPanel {
  private selected: string | undefined;
  private chains: ChainSummary[] = [];
  private loading: Promise<void> | undefined;
  private refreshAgain = false;
  private shownMark = '';

  constructor(private readonly loadTree: (traceId: string) => Promise<unknown>) {
    byId('chain-table').addEventListener('click', (ev) => {
      const tr = (ev.target as HTMLElement).closest('tr[data-trace]') as HTMLElement | null;
      if (tr?.dataset.trace) void this.select(tr.dataset.trace);
    });
  }

  /** Re-reads the open tree only when its chain changed (a tree can have thousands of steps). */
  refreshIfChanged(): Promise<void> {
    const c = this.chains.find((x) => x.traceId === this.selected);
    const mark = c ? `${c.steps}\u0000${c.lastActivity}\u0000${c.status}` : '';
    if (c && mark === this.shownMark) return Promise.resolve();
    this.shownMark = mark;
    return this.refresh();
  }

  showList(raw: unknown): void {
    this.chains = chainList(raw);
    const shown = this.chains.slice(0, MAX_LISTED);
    renderTable(
      byId<HTMLTableElement>('chain-table'),
      ['chain', 'agents', 'steps', 'confidence', 'cost', 'status', 'last activity'],
      shown.map((c) => [
        { text: clip(c.traceId, 14), title: c.traceId },
        { text: c.agents.join(' → ') || '—', title: c.agents.join(', ') },
        String(c.steps),
        confidenceCell(c.avgConfidence),
        c.cost !== undefined ? usd(c.cost) : '—',
        h('span', { class: `tag ${c.status}`, title: c.errors ? `${c.errors} errors` : undefined }, c.status),
        ago(c.lastActivity),
      ]),
      [2, 3, 4],
      (i) => ({ 'data-trace': shown[i].traceId, class: shown[i].traceId === this.selected ? 'selected' : '' }),
    );
    setText(byId('reasoning-note'), this.chains.length ? plural(this.chains.length, 'chain') : 'no chains yet: send agent.thought / agent.step events with a trace_id');
  }

  /** Opens a chain's tree (also from the feed's "Open chain"). */
  async select(traceId: string): Promise<void> {
    this.selected = traceId;
    this.shownMark = '';
    for (const tr of byId('chain-table').querySelectorAll<HTMLElement>('tr[data-trace]')) tr.classList.toggle('selected', tr.dataset.trace === traceId);
    replaceChildren(byId('chain-tree'), h('p', { class: 'empty-inline' }, `Loading ${traceId}…`));
    await this.refresh();
    // Bring the tree into view (the reader may have come from the feed's "Open chain").
    byId('chain-tree').scrollIntoView({ block: 'nearest' });
  }

  /** Re-reads the open tree; calls that overlap a running load collapse into one more load. */
  refresh(): Promise<void> {
    if (!this.selected) return Promise.resolve();
    if (this.loading) {
      this.refreshAgain = true;
      return this.loading;
    }
    const traceId = this.selected;
    const loading = this.loadTree(traceId)
      .then((raw) => {
        if (traceId === this.selected) this.renderTree(traceId, raw);
      })
      .catch((err: Error) => {
        if (traceId === this.selected) replaceChildren(byId('chain-tree'), h('p', { class: 'error' }, `Could not load ${traceId}: ${err.message}`));
      })
      .finally(() => {
        this.loading = undefined;
        if (this.refreshAgain) {
          this.refreshAgain = false;
          void this.refresh();
        }
      });
    this.loading = loading;
    return loading;
  }

  private renderTree(traceId: string, raw: unknown): void {
    const { roots, total, shown } = stepTree(raw);
    const detail = chainDetail(raw);
    const c = detail.chain ?? this.chains.find((x) => x.traceId === traceId);
    const bio = detail.biometrics.length ? detail.biometrics : c?.biometrics ?? [];
    const odd = [
      detail.missingParents ? `${plural(detail.missingParents, 'step')} whose parent was not seen` : '',
      detail.cycles ? `${plural(detail.cycles, 'parent cycle')} cut` : '',
    ].filter(Boolean).join(' · ');
    const head = h(
      'div',
      { class: 'tree-head' },
      h('strong', { title: traceId }, clip(traceId, 24)),
      c ? h('span', { class: `tag ${c.status}` }, c.status) : null,
      h('span', { class: 'panel-note' }, `${plural(total, 'step')}${shown < total || detail.truncated ? ` (first ${shown.toLocaleString('en-US')} shown)` : ''}`),
      c?.agents.length ? h('span', { class: 'panel-note' }, c.agents.join(' → ')) : null,
      c?.avgConfidence !== undefined ? h('span', { class: 'panel-note' }, `confidence ${percent(c.avgConfidence)}`) : null,
      c?.cost ? h('span', { class: 'panel-note' }, usd(c.cost)) : null,
      bio.length ? h('span', { class: 'panel-note bio', title: `latest readings of session ${c?.session ?? ''}` }, '♥ ' + bio.map((b) => `${b.metric} ${b.value}${b.unit ? ' ' + b.unit : ''}`).join(' · ')) : null,
      odd ? h('span', { class: 's-note' }, `⚠ ${odd}`) : null,
    );
    const tree = h('ul', { class: 'tree', 'data-trace': traceId });
    // Iterative: a 100,000-step chain must not overflow the stack.
    const stack: { nodes: StepNode[]; into: HTMLElement }[] = [{ nodes: roots, into: tree }];
    while (stack.length) {
      const { nodes, into } = stack.pop()!;
      for (const n of nodes) {
        const li = h('li', {}, stepLine(n));
        into.append(li);
        if (n.children.length) {
          const ul = h('ul');
          li.append(ul);
          stack.push({ nodes: n.children, into: ul });
        }
      }
    }
    replaceChildren(byId('chain-tree'), head, roots.length ? tree : h('p', { class: 'empty-inline' }, 'This chain has no steps yet.'));
  }
}

function confidenceCell(v: number | undefined): Node | string {
  if (v === undefined) return '—';
  const bar = h('span', { class: 'bar' });
  bar.style.width = `${Math.round(v * 40)}px`;
  return h('span', {}, bar, percent(v));
}

function stepLine(n: StepNode): HTMLElement {
  const kind = n.type.endsWith('handoff') ? 'handoff' : /error|failed/.test(n.type) ? 'error' : '';
  return h(
    'div',
    { class: `step ${kind}`, 'data-span': n.spanId },
    h('span', { class: 's-type' }, n.type),
    n.agent ? h('span', { class: 's-agent' }, n.agent) : null,
    h('span', { class: 's-text', title: n.text || `span ${n.spanId}` }, n.text),
    n.confidence !== undefined ? h('span', { class: 's-conf', title: 'confidence' }, percent(n.confidence)) : null,
    n.durationMs !== undefined ? h('span', { class: 's-conf', title: 'duration' }, `${Math.round(n.durationMs)} ms`) : null,
    n.cost ? h('span', { class: 's-conf', title: 'cost' }, usd(n.cost)) : null,
    n.note ? h('span', { class: 's-note' }, `⚠ ${n.note}`) : null,
  );
}
