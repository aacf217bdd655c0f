/**
 * The virtualized event list: only the rows in view (plus a few) exist in the DOM, recycled as the
 * list scrolls or grows, so thousands of events a second cost a few dozen text updates per frame.
 * Newest on top; when the reader has scrolled down, the view stays put and a pill counts what is new.
 */
import { h, setText } from './dom.js';
import { summarize } from './event-summary.js';
import type { FeedStore } from './feed-store.js';
import { clockTime } from './format.js';
import type { WireEvent } from './types.js';

export const ROW_HEIGHT = 24;
const OVERSCAN = 6;

interface Row {
  el: HTMLDivElement;
  time: HTMLSpanElement;
  tier: HTMLSpanElement;
  type: HTMLSpanElement;
  agent: HTMLSpanElement;
  summary: HTMLSpanElement;
  badge: HTMLSpanElement;
  event: WireEvent | undefined;
  top: number;
}

export class FeedView {
  private readonly spacer: HTMLDivElement;
  private readonly rows: Row[] = [];
  private unseen = 0;
  private scheduled = false;
  /** Kept by a ResizeObserver: reading clientHeight every frame would force a layout. */
  private height = 600;
  private spacerHeight = -1;

  constructor(
    private readonly viewport: HTMLElement,
    private readonly store: FeedStore,
    private readonly pill: HTMLElement,
    private readonly onPick: (e: WireEvent) => void,
  ) {
    this.spacer = h('div', { class: 'feed-spacer' });
    viewport.append(this.spacer);
    viewport.addEventListener('scroll', () => this.requestRender(), { passive: true });
    viewport.addEventListener('click', (ev) => {
      const row = this.rows.find((r) => r.el.contains(ev.target as Node));
      if (row?.event) this.onPick(row.event);
    });
    pill.addEventListener('click', () => {
      viewport.scrollTop = 0;
    });
    new ResizeObserver((entries) => {
      this.height = entries[0].contentRect.height || this.height;
      this.requestRender();
    }).observe(viewport);
  }

  /** The row at the top of the view while the reader is scrolled down (call before adding events). */
  anchor(): { e: WireEvent; index: number; offset: number } | undefined {
    const top = this.viewport.scrollTop;
    if (top <= 0) return undefined;
    const index = Math.floor(top / ROW_HEIGHT);
    const e = this.store.newest(index);
    return e ? { e, index, offset: top - index * ROW_HEIGHT } : undefined;
  }

  /** After events were added: keeps the anchored row where the reader saw it, and counts what came above. */
  update(anchor: { e: WireEvent; index: number; offset: number } | undefined): void {
    if (anchor) {
      const index = this.store.positionOf(anchor.e);
      if (index > anchor.index) {
        this.viewport.scrollTop = index * ROW_HEIGHT + anchor.offset;
        this.unseen += index - anchor.index;
      }
    }
    this.render();
  }

  /** After a filter change: the list is a different one, start at the top. */
  reset(): void {
    this.viewport.scrollTop = 0;
    this.unseen = 0;
    this.render();
  }

  private requestRender(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(() => {
      this.scheduled = false;
      this.render();
    });
  }

  private render(): void {
    // Reads first, then writes: no forced layout in between.
    const top = this.viewport.scrollTop;
    const height = this.height;
    const total = this.store.visibleCount;
    if (this.spacerHeight !== total * ROW_HEIGHT) {
      this.spacerHeight = total * ROW_HEIGHT;
      this.spacer.style.height = `${this.spacerHeight}px`;
    }
    if (top < ROW_HEIGHT) this.unseen = 0;
    if (this.pill.hidden !== (this.unseen === 0)) this.pill.hidden = this.unseen === 0;
    if (this.unseen) setText(this.pill, `↑ ${this.unseen.toLocaleString('en-US')} new`);
    const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(total, Math.ceil((top + height) / ROW_HEIGHT) + OVERSCAN);
    const needed = last - first;
    while (this.rows.length < needed) this.rows.push(this.makeRow());
    for (let i = 0; i < this.rows.length; i++) {
      const row = this.rows[i];
      if (i >= needed) {
        if (!row.el.hidden) row.el.hidden = true;
        row.event = undefined;
        continue;
      }
      const index = first + i;
      this.fill(row, this.store.newest(index), index * ROW_HEIGHT);
    }
  }

  private makeRow(): Row {
    const time = h('span', { class: 'c-time' });
    const tier = h('span', { class: 'c-tier' });
    const type = h('span', { class: 'c-type' });
    const agent = h('span', { class: 'c-agent' });
    const summary = h('span', { class: 'c-summary' });
    const badge = h('span', { class: 'c-badge', title: 'repeats summarized during a storm' });
    const el = h('div', { class: 'feed-row', role: 'row' }, time, tier, type, agent, badge, summary);
    this.viewport.append(el);
    return { el, time, tier, type, agent, summary, badge, event: undefined, top: -1 };
  }

  private fill(row: Row, e: WireEvent | undefined, top: number): void {
    if (row.top !== top) {
      row.el.style.transform = `translateY(${top}px)`;
      row.top = top;
    }
    if (row.el.hidden) row.el.hidden = false;
    if (row.event === e) return;
    row.event = e;
    if (!e) {
      row.el.hidden = true;
      return;
    }
    row.el.className = `feed-row tier-${e.tier}`;
    row.el.dataset.seq = String(e.seq);
    setText(row.time, clockTime(e.ts));
    setText(row.tier, e.tier);
    setText(row.type, e.type);
    setText(row.agent, e.agent_id ?? '');
    const repeats = e.repeat_count;
    row.badge.hidden = !(typeof repeats === 'number' && repeats > 1);
    if (!row.badge.hidden) {
      setText(row.badge, `×${repeats!.toLocaleString('en-US')}`);
      const from = e.first_ts;
      row.badge.title = `${repeats!.toLocaleString('en-US')} repeats of this event held back during a storm${from ? ` (from ${clockTime(from)} to ${clockTime(e.ts)})` : ''}; all of them are stored`;
    }
    const s = summarize(e);
    setText(row.summary, s);
    row.summary.title = s;
  }
}
