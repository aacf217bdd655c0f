/**
 * The dashboard page: connects the live stream (events + dashboard frames), loads each dashboard once
 * per (re)connect over REST, and hands everything to the panels. Rendering is batched per frame.
 */
import { getJson, onUnauthorized, session } from '../lib/api.js';
import { jitteredDelay } from '../lib/backoff.js';
import { byId, setText } from '../lib/dom.js';
import { count } from '../lib/format.js';
import { askForKey, ensureSession, wireKeyButton } from '../lib/key-dialog.js';
import { StreamConnection, type ConnectionState } from '../lib/stream-connection.js';
import type { Frame, SessionInfo } from '../lib/types.js';
import { showConnection } from '../lib/widgets.js';
import { ContextPanel } from './context-panel.js';
import { CostPanel, DEFAULT_COST_WINDOW } from './cost-panel.js';
import { FeedPanel } from './feed-panel.js';
import { LearningPanel } from './learning-panel.js';
import { OpsPanel } from './ops-panel.js';
import { ReasoningPanel } from './reasoning-panel.js';

/** Events replayed into the feed when the page opens, so it does not start empty. */
const HISTORY = 500;

const reasoning = new ReasoningPanel((id) => getJson(`v1/dashboards/reasoning/${encodeURIComponent(id)}`));
const feed = new FeedPanel((traceId) => void reasoning.select(traceId));
const cost = new CostPanel(() => void loadCost());
const learning = new LearningPanel();
const ops = new OpsPanel();
const context = new ContextPanel();
const conn = byId('conn');
const connText = byId('conn-text');
let current: SessionInfo | undefined;
let lagged = 0;
let asking = false;

const stream = new StreamConnection({
  query: () => ({ dashboards: 'cost,reasoning,learning' }),
  onFrame,
  onState,
  async beforeConnect(since) {
    const s = await session();
    if (s.auth_enabled && !s.authenticated) {
      void needKey(s.reason);
      return { ok: false };
    }
    // The store went backwards (a fresh data dir): the old seqs mean nothing, start over.
    if (since !== undefined && s.last_seq !== undefined && s.last_seq < since) {
      feed.clear();
      return { ok: true, since: Math.max(0, s.last_seq - HISTORY) };
    }
    return { ok: true };
  },
});

/** Latest dashboard data per name, rendered once per animation frame. */
const pendingDashboards = new Map<string, unknown>();
let dashboardsScheduled = false;

function onFrame(f: Frame): void {
  switch (f.type) {
    case 'events':
      feed.push(f.events);
      for (const e of f.events) if (e.type.charCodeAt(0) === 98 /* b */) context.take(e);
      break;
    case 'dashboard':
      if (usableDirectly(f.project)) {
        pendingDashboards.set(f.name, f.data);
        if (!dashboardsScheduled) {
          dashboardsScheduled = true;
          requestAnimationFrame(renderDashboards);
        }
      } else reloadSoon(f.name);
      break;
    case 'lagged':
      lagged += f.dropped;
      break;
  }
}

/**
 * Frames are rendered per project. A key that reads one project (or auth off: everything is
 * "default") can show them as they are; an admin key's REST view spans every project, so for it a
 * frame only says "changed" and the dashboard is re-read.
 */
function usableDirectly(project: string | undefined): boolean {
  if (!current || !current.auth_enabled) return true;
  return current.role !== 'admin' && (project === undefined || project === current.project);
}

const reloadTimers = new Map<string, ReturnType<typeof setTimeout>>();
function reloadSoon(name: string): void {
  if (reloadTimers.has(name)) return;
  reloadTimers.set(
    name,
    setTimeout(() => {
      reloadTimers.delete(name);
      if (name === 'cost') void loadCost();
      else if (name === 'reasoning') void loadReasoning().then(() => reasoning.refreshIfChanged());
      else if (name === 'learning') void load('learning', 'v1/dashboards/learning', (d) => learning.show(d));
    }, 1000),
  );
}

function renderDashboards(): void {
  dashboardsScheduled = false;
  for (const [name, data] of pendingDashboards) {
    if (name === 'cost') {
      // Live frames carry the default window; another window is re-read on each change.
      if (cost.window === DEFAULT_COST_WINDOW) cost.show(data);
      else void loadCost();
    } else if (name === 'reasoning') {
      reasoning.showList(data);
      context.fromReasoning(data);
      void reasoning.refreshIfChanged();
    } else if (name === 'learning') learning.show(data);
  }
  pendingDashboards.clear();
}

let lastState: ConnectionState = 'connecting';
function onState(state: ConnectionState, detail: string): void {
  showConnection(conn, connText, state, detail);
  // Dashboard frames only come on change: after every (re)connect read each one once.
  if ((state === 'live' || state === 'replaying') && lastState !== 'live' && lastState !== 'replaying') loadDashboards();
  lastState = state;
}

async function load(name: string, path: string, show: (data: unknown) => void): Promise<void> {
  const note = byId(`${name}-note`);
  try {
    show(await getJson(path));
  } catch (err) {
    setText(note, `could not load: ${(err as Error).message}`);
  }
}

function loadCost(): Promise<void> {
  return load('cost', `v1/dashboards/cost?window=${encodeURIComponent(cost.window)}`, (d) => cost.show(d));
}

function loadReasoning(): Promise<void> {
  return load('reasoning', 'v1/dashboards/reasoning', (d) => {
    reasoning.showList(d);
    context.fromReasoning(d);
  });
}

function loadDashboards(): void {
  void loadCost();
  void loadReasoning();
  void load('learning', 'v1/dashboards/learning', (d) => learning.show(d));
}

async function needKey(reason?: string): Promise<void> {
  if (asking) return;
  asking = true;
  stream.stop();
  showConnection(conn, connText, 'unauthorized', 'a read key is needed');
  try {
    begin(await askForKey(reason));
  } finally {
    asking = false;
  }
}

function begin(s: SessionInfo): void {
  // Another key may see other projects: what the old one showed does not belong here.
  if (current && (current.project !== s.project || current.role !== s.role)) feed.clear();
  current = s;
  wireKeyButton(s, begin);
  ops.start(!s.auth_enabled || s.role === 'admin');
  stream.start(linkedSince() ?? (s.last_seq !== undefined ? Math.max(0, s.last_seq - HISTORY) : undefined));
}

/** `/#since=SEQ` opens the page replaying from a seq (a link to "what happened after this"). */
function linkedSince(): number | undefined {
  const m = /(?:^#|&)since=(\d+)/.exec(location.hash);
  const n = m ? Number(m[1]) : NaN;
  return Number.isSafeInteger(n) ? n : undefined;
}

/** The header's rates: events per second into this page, and what the server dropped for it. */
function startRates(): void {
  let last = 0;
  let lastAt = performance.now();
  const el = byId('rates');
  setInterval(() => {
    const now = performance.now();
    const total = feed.received;
    const rate = ((total - last) * 1000) / (now - lastAt);
    last = total;
    lastAt = now;
    setText(el, `${count(Math.round(rate))} ev/s · ${count(total)} received${lagged ? ` · ${count(lagged)} dropped by server` : ''}`);
  }, 1000);
}

onUnauthorized(() => void needKey('the server refused the key (401)'));
startRates();

/** First contact: retry with backoff until the server answers (it may still be starting). */
async function boot(attempt = 0): Promise<void> {
  try {
    begin(await ensureSession(() => showConnection(conn, connText, 'unauthorized', 'a read key is needed')));
  } catch (err) {
    const delay = jitteredDelay(attempt);
    showConnection(conn, connText, 'reconnecting', `server unreachable (${(err as Error).message}); retrying in ${(delay / 1000).toFixed(1)} s`);
    setTimeout(() => void boot(attempt + 1), delay);
  }
}
void boot();
