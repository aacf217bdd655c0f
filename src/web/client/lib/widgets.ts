/** Small shared widgets: KPI tiles, tables, the connection indicator. */
import { h, replaceChildren, setText } from './dom.js';
import type { ConnectionState } from './stream-connection.js';

export interface Kpi {
  label: string;
  value: string;
  bad?: boolean;
  title?: string;
}

export function renderKpis(el: HTMLElement, kpis: Kpi[]): void {
  // Update in place when the tiles are the same, so values do not flicker.
  if (el.children.length === kpis.length) {
    kpis.forEach((k, i) => {
      const tile = el.children[i] as HTMLElement;
      tile.classList.toggle('bad', !!k.bad);
      setText(tile.querySelector('b')!, k.value);
      setText(tile.querySelector('span')!, k.label);
      tile.title = k.title ?? '';
    });
    return;
  }
  replaceChildren(el, ...kpis.map((k) => h('div', { class: k.bad ? 'kpi bad' : 'kpi', title: k.title }, h('b', {}, k.value), h('span', {}, k.label))));
}

export type Cell = string | Node | { text: string; class?: string; title?: string };

/** Rebuilds a table from header labels and rows of cells; numeric columns are right-aligned by `num`. */
export function renderTable(table: HTMLTableElement, head: string[], rows: Cell[][], num: number[] = [], rowAttrs?: (i: number) => Record<string, string>): void {
  const thead = h('thead', {}, h('tr', {}, ...head.map((t, i) => h('th', { class: num.includes(i) ? 'num' : undefined }, t))));
  const tbody = h('tbody');
  rows.forEach((r, ri) => {
    const tr = h('tr', rowAttrs?.(ri) ?? {});
    r.forEach((c, i) => {
      const cls = num.includes(i) ? 'num' : undefined;
      if (typeof c === 'string' || c instanceof Node) tr.append(h('td', { class: cls, title: typeof c === 'string' ? c : undefined }, c));
      else tr.append(h('td', { class: [cls, c.class].filter(Boolean).join(' ') || undefined, title: c.title ?? c.text }, c.text));
    });
    tbody.append(tr);
  });
  replaceChildren(table, thead, tbody);
}

const STATE_TEXT: Record<ConnectionState, string> = {
  connecting: 'connecting…',
  live: 'live',
  replaying: 'catching up…',
  reconnecting: 'reconnecting',
  unauthorized: 'key needed',
  stopped: 'disconnected',
};

/** The header's connection dot and text. */
export function showConnection(el: HTMLElement, textEl: HTMLElement, state: ConnectionState, detail: string): void {
  el.dataset.state = state;
  const base = STATE_TEXT[state];
  setText(textEl, detail && detail !== base && state !== 'live' ? `${base} · ${detail}` : base);
  el.title = detail;
}
