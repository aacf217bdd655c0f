/**
 * The stream inspector: build a subscription (the query fields of GET /v1/stream), connect, change it
 * live with {"op":"subscribe"}, ping, and watch the raw frames as they arrive.
 */
import { onUnauthorized } from '../lib/api.js';
import { currentKey } from '../lib/auth.js';
import { byId, h, setText } from '../lib/dom.js';
import { clip, count } from '../lib/format.js';
import { FramePump } from '../lib/frame-pump.js';
import { askForKey, ensureSession, wireKeyButton } from '../lib/key-dialog.js';
import { StreamConnection, type ConnectionState } from '../lib/stream-connection.js';
import type { Frame } from '../lib/types.js';
import { renderKpis, showConnection } from '../lib/widgets.js';

const FIELDS = ['tiers', 'types', 'agents', 'sessions', 'traces', 'dashboards'] as const;
const MAX_LINES = 400;
const MAX_CHARS = 4000;

const form = byId<HTMLFormElement>('filter-form');
const framesEl = byId('frames');
const stats = { frames: 0, events: 0, lagged: 0, lastSeq: 0 };
let paused = false;

function fields(): Record<string, string | undefined> {
  const data = new FormData(form);
  const out: Record<string, string | undefined> = {};
  for (const f of FIELDS) {
    const v = String(data.get(f) ?? '').trim();
    if (v) out[f] = v;
  }
  return out;
}

function sinceField(): number | undefined {
  const v = String(new FormData(form).get('since') ?? '').trim();
  if (v === '') return undefined;
  const n = Number(v);
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

const stream = new StreamConnection({
  query: fields,
  onFrame: (f) => {
    stats.frames++;
    if (f.type === 'events') {
      stats.events += f.events.length;
      const last = f.events[f.events.length - 1];
      if (last && last.seq > stats.lastSeq) stats.lastSeq = last.seq;
    } else if (f.type === 'lagged') stats.lagged += f.dropped;
    if (!paused) pump.push([{ at: Date.now(), frame: f }]);
  },
  onState: (s, d) => setState(s, d),
  diagnose: true,
});

const pump = new FramePump<{ at: number; frame: Frame }>((items) => {
  const fragment = document.createDocumentFragment();
  for (const { at, frame } of items.slice(-MAX_LINES)) fragment.prepend(line(at, frame));
  framesEl.prepend(fragment);
  while (framesEl.childElementCount > MAX_LINES) framesEl.lastElementChild!.remove();
}, MAX_LINES);

function line(at: number, f: Frame): HTMLElement {
  const tier = f.type === 'events' ? f.tier : undefined;
  const label = f.type === 'events' ? `events ${f.tier} ×${f.events.length}` : f.type === 'dashboard' ? `dashboard ${f.name}` : f.type;
  const time = new Date(at).toISOString().slice(11, 23);
  return h(
    'div',
    { class: `frame t-${f.type}${tier ? ` t-${tier}` : ''}` },
    h('span', { class: 'f-time' }, time),
    h('span', { class: 'f-type' }, label),
    clip(JSON.stringify(f), MAX_CHARS),
  );
}

function setState(s: ConnectionState, detail: string): void {
  showConnection(byId('conn'), byId('conn-text'), s, detail);
  const open = s === 'live' || s === 'replaying';
  byId<HTMLButtonElement>('subscribe').disabled = !open;
  byId<HTMLButtonElement>('ping').disabled = !open;
  byId<HTMLButtonElement>('disconnect').disabled = s === 'stopped';
}

function showUrl(): void {
  const u = new URL('v1/stream', location.href);
  u.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  for (const [k, v] of Object.entries(fields())) if (v) u.searchParams.set(k, v);
  const since = sinceField();
  if (since !== undefined) u.searchParams.set('since', String(since));
  if (currentKey()) u.searchParams.set('token', '…');
  setText(byId('stream-url'), u.toString());
}

form.onsubmit = (ev) => {
  ev.preventDefault();
  stats.frames = stats.events = stats.lagged = 0;
  stream.start(sinceField());
};
form.oninput = showUrl;
byId('subscribe').onclick = () => {
  const since = sinceField();
  stream.send({ op: 'subscribe', ...fields(), ...(since !== undefined ? { since } : {}) });
};
byId('ping').onclick = () => stream.send({ op: 'ping' });
byId('disconnect').onclick = () => stream.stop();
byId('clear').onclick = () => framesEl.replaceChildren();
byId<HTMLInputElement>('pause').onchange = (ev) => (paused = (ev.target as HTMLInputElement).checked);
byId<HTMLInputElement>('wrap').onchange = (ev) => framesEl.classList.toggle('wrap', (ev.target as HTMLInputElement).checked);

let lastFrames = 0;
let lastEvents = 0;
setInterval(() => {
  renderKpis(byId('frame-kpis'), [
    { label: 'frames / s', value: count(stats.frames - lastFrames) },
    { label: 'events / s', value: count(stats.events - lastEvents) },
    { label: 'frames', value: count(stats.frames) },
    { label: 'events', value: count(stats.events) },
    { label: 'dropped (lagged)', value: count(stats.lagged), bad: stats.lagged > 0 },
    { label: 'last seq', value: count(stats.lastSeq) },
  ]);
  lastFrames = stats.frames;
  lastEvents = stats.events;
}, 1000);

onUnauthorized(() => void askForKey('the server refused the key (401)'));
showUrl();
setState('stopped', 'not connected: set a filter and press Connect');
ensureSession().then(
  (s) => wireKeyButton(s, () => {
    // Reconnect with the new key if a stream was open.
    if (byId<HTMLButtonElement>('disconnect').disabled === false) stream.start(sinceField());
  }),
  (err: Error) => setState('stopped', `server unreachable: ${err.message}`),
);
