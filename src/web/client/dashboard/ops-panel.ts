/**
 * The server's own health, from GET /metrics (Prometheus text, parsed here): ingest and delivery
 * rates, clients, drops, latencies per tier. Polled every 2 s while the page is visible.
 */
import { getText } from '../lib/api.js';
import { PALETTE, TimeChart } from '../lib/charts.js';
import { byId, setText } from '../lib/dom.js';
import { count, seconds } from '../lib/format.js';
import { opsView } from '../lib/ops-model.js';
import { parsePrometheus, type Scrape } from '../lib/prom-text.js';
import { TIERS } from '../lib/types.js';
import { renderKpis, renderTable } from '../lib/widgets.js';

const POLL_MS = 2000;
const HISTORY = 150;

export class OpsPanel {
  private prev: { scrape: Scrape; at: number } | undefined;
  private readonly rate = new TimeChart(
    byId('ops-rate'),
    TIERS.map((t, i) => ({ label: t, color: [PALETTE[3], PALETTE[0], PALETTE[4]][i], value: (v: number | null) => count(v) })),
    130,
    (v) => count(v),
  );
  private readonly history: { t: number; tiers: number[] }[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = true;

  /** Starts polling; `allowed` is false for keys that may not read /metrics (admin only). */
  start(allowed: boolean): void {
    clearTimeout(this.timer);
    this.stopped = !allowed;
    if (!allowed) {
      setText(byId('ops-note'), 'server metrics need an admin key (GET /metrics is admin-only)');
      return;
    }
    void this.poll();
  }

  private async poll(): Promise<void> {
    if (this.stopped) return;
    if (!document.hidden) {
      try {
        const scrape = parsePrometheus(await getText('metrics'));
        this.show(scrape, Date.now());
        setText(byId('ops-note'), '');
      } catch (err) {
        setText(byId('ops-note'), `metrics unavailable: ${(err as Error).message}`);
      }
    }
    this.timer = setTimeout(() => void this.poll(), POLL_MS);
  }

  private show(scrape: Scrape, at: number): void {
    const dt = this.prev ? (at - this.prev.at) / 1000 : 0;
    const v = opsView(scrape, this.prev?.scrape, dt);
    this.prev = { scrape, at };
    const clients = Object.values(v.clients).reduce((a, b) => a + b, 0);
    renderKpis(byId('ops-kpis'), [
      { label: 'ingest / s', value: count(Math.round(v.ingestTotalPerSec)) },
      { label: 'delivered / s', value: count(Math.round(v.deliveredPerSec)), title: 'events written to stream clients (one per client)' },
      { label: 'stream clients', value: count(clients), title: Object.entries(v.clients).map(([k, n]) => `${k}: ${n}`).join(', ') },
      { label: 'dropped', value: count(v.droppedTotal), bad: v.droppedPerSec > 0, title: Object.entries(v.droppedByReason).map(([k, n]) => `${k}: ${n}`).join(', ') || 'none' },
      { label: 'rejected', value: count(v.rejectedTotal) },
      { label: 'last seq', value: count(v.lastSeq) },
      { label: 'memory', value: v.memoryBytes !== undefined ? `${Math.round(v.memoryBytes / 1048576)} MiB` : '—' },
      { label: 'event loop p99', value: seconds(v.eventLoopP99), bad: (v.eventLoopP99 ?? 0) > 0.1, title: 'how long the server could not react, at worst (p99)' },
    ]);
    if (dt > 0) {
      this.history.push({ t: at / 1000, tiers: TIERS.map((t) => v.ingestPerSec[t]) });
      if (this.history.length > HISTORY) this.history.shift();
      this.rate.setData(this.history.map((h) => h.t), TIERS.map((_, i) => this.history.map((h) => h.tiers[i])));
    }
    renderTable(
      byId<HTMLTableElement>('ops-latency'),
      ['latency', 'tier', 'p50', 'p99', 'samples'],
      v.latencies.map((l) => [{ text: l.name.replace(/^auren_/, '').replace(/_seconds$/, ''), title: l.name }, l.tier ?? '—', seconds(l.p50), seconds(l.p99), count(l.count)]),
      [2, 3, 4],
    );
  }
}
