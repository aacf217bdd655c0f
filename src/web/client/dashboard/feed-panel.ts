/** The live event feed: filters, the virtualized list, a status line and the clicked event's JSON. */
import { byId, setText } from '../lib/dom.js';
import { FeedStore } from '../lib/feed-store.js';
import { FeedView } from '../lib/feed-view.js';
import { FramePump } from '../lib/frame-pump.js';
import { summarize } from '../lib/event-summary.js';
import { compileGlobs } from '../lib/glob.js';
import { TIERS, type Tier, type WireEvent } from '../lib/types.js';

export const FEED_CAP = 10_000;

export class FeedPanel {
  readonly store = new FeedStore(FEED_CAP);
  private readonly view: FeedView;
  private readonly pump: FramePump<WireEvent>;
  private readonly status = byId('feed-status');
  private readonly empty = byId('feed-empty');
  private readonly tiers = new Set<Tier>(TIERS);
  private filterChanged = false;
  /** Events received from the stream since the page opened. */
  received = 0;

  constructor(private readonly openChain: (traceId: string) => void) {
    this.view = new FeedView(byId('feed'), this.store, byId('feed-pill'), (e) => this.showDetail(e));
    // Ten list updates a second: more than anyone can read, a sixth of the work of every frame.
    this.pump = new FramePump((events) => this.flush(events), FEED_CAP * 2, 100);
    this.wireFilters();
    byId('detail-close').onclick = () => (byId('event-detail').hidden = true);
  }

  /** Called for every events frame as it arrives; rendering waits for the next animation frame. */
  push(events: readonly WireEvent[]): void {
    this.received += events.length;
    this.pump.push(events);
  }

  /** The store was replaced under us (seq went backwards): start the feed over. */
  clear(): void {
    this.store.clear();
    this.view.reset();
  }

  private flush(events: WireEvent[]): void {
    if (this.filterChanged) {
      this.filterChanged = false;
      this.store.add(events);
      this.view.reset();
    } else {
      const anchor = this.view.anchor();
      this.store.add(events);
      this.view.update(anchor);
    }
    this.empty.hidden = this.store.size > 0;
    const skipped = this.pump.skipped ? ` · ${this.pump.skipped.toLocaleString('en-US')} skipped while hidden` : '';
    const dups = this.store.duplicates ? ` · ${this.store.duplicates.toLocaleString('en-US')} replayed duplicates dropped` : '';
    setText(this.status, `showing ${this.store.visibleCount.toLocaleString('en-US')} of the last ${this.store.size.toLocaleString('en-US')} events (cap ${FEED_CAP.toLocaleString('en-US')}) · ${this.received.toLocaleString('en-US')} received${dups}${skipped}`);
  }

  private wireFilters(): void {
    const types = byId<HTMLInputElement>('filter-types');
    const agents = byId<HTMLInputElement>('filter-agents');
    const text = byId<HTMLInputElement>('filter-text');
    const apply = () => {
      const typeOk = compileGlobs(types.value);
      const agentOk = compileGlobs(agents.value);
      const needle = text.value.trim().toLowerCase();
      const tiers = new Set(this.tiers);
      this.store.setFilter((e) => {
        if (!tiers.has(e.tier) || !typeOk(e.type)) return false;
        if (agents.value.trim() && !agentOk(e.agent_id)) return false;
        if (!needle) return true;
        return `${e.type} ${e.agent_id ?? ''} ${e.trace_id ?? ''} ${summarize(e)}`.toLowerCase().includes(needle);
      });
      this.filterChanged = true;
      this.pump.schedule();
    };
    for (const btn of document.querySelectorAll<HTMLButtonElement>('.tier-toggle')) {
      btn.onclick = () => {
        const t = btn.dataset.tier as Tier;
        if (this.tiers.has(t)) this.tiers.delete(t);
        else this.tiers.add(t);
        btn.setAttribute('aria-pressed', String(this.tiers.has(t)));
        apply();
      };
    }
    let debounce: ReturnType<typeof setTimeout> | undefined;
    for (const input of [types, agents, text]) {
      input.oninput = () => {
        clearTimeout(debounce);
        debounce = setTimeout(apply, 120);
      };
    }
  }

  private showDetail(e: WireEvent): void {
    byId('event-detail').hidden = false;
    setText(byId('detail-title'), `#${e.seq} ${e.type}`);
    setText(byId('detail-json'), JSON.stringify(e, null, 2));
    const chain = byId<HTMLButtonElement>('detail-chain');
    chain.hidden = !e.trace_id;
    chain.onclick = () => e.trace_id && this.openChain(e.trace_id);
  }
}
