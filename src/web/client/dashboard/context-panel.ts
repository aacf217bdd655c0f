/**
 * Biometric context: the latest `biometric.reading` per metric, beside the agent or session it names,
 * and recent `biometric.alert`s. Fed from the live stream as events arrive (cheap: a map update).
 */
import { byId, h, replaceChildren } from '../lib/dom.js';
import { ago } from '../lib/format.js';
import { asArr, asObj, num, str } from '../lib/loose.js';
import { readings } from '../lib/reasoning-model.js';
import type { WireEvent } from '../lib/types.js';

interface Subject {
  agent?: string;
  session?: string;
  readings: Map<string, { value: string; unit: string; at: number }>;
  alert?: { text: string; at: number };
  lastAt: number;
}

const MAX_SUBJECTS = 12;
const ALERT_SHOWN_MS = 10 * 60_000;

export class ContextPanel {
  private readonly subjects = new Map<string, Subject>();
  private dirty = false;

  constructor() {
    setInterval(() => this.render(), 1000);
  }

  take(e: WireEvent): void {
    if (!e.type.startsWith('biometric.')) return;
    const s = this.subject(e.agent_id, e.session_id);
    const at = Date.parse(e.ts) || Date.now();
    const d = asObj(e.data);
    s.lastAt = Math.max(s.lastAt, at);
    const metric = str(d, 'metric');
    if (e.type === 'biometric.alert') {
      s.alert = { text: str(d, 'message', 'text') ?? `${metric ?? 'alert'} ${str(d, 'value') ?? ''}`.trim(), at };
    } else if (metric) {
      const value = num(d, 'value');
      s.readings.set(metric, { value: value !== undefined ? String(Math.round(value * 10) / 10) : str(d, 'value') ?? '?', unit: str(d, 'unit') ?? '', at });
    }
    this.dirty = true;
  }

  /** One row per session (a person wearing a device), or per agent for readings without a session. */
  private subject(agent: string | undefined, session: string | undefined): Subject {
    const key = session !== undefined ? `s\u0000${session}` : `a\u0000${agent ?? ''}`;
    let s = this.subjects.get(key);
    if (!s) {
      s = { agent, session, readings: new Map(), lastAt: 0 };
      this.subjects.set(key, s);
      if (this.subjects.size > MAX_SUBJECTS * 4) this.evictOldest();
    }
    if (agent) s.agent = agent;
    return s;
  }

  /** Seeds rows from the reasoning dashboard's chains: the latest readings of each chain's session. */
  fromReasoning(raw: unknown): void {
    const o = asObj(raw);
    for (const c of [...asArr(o?.active_chains), ...asArr(o?.recent_chains)]) {
      const chain = asObj(c);
      const session = str(chain, 'session_id');
      const bio = asObj(chain?.biometrics);
      const list = readings(bio);
      if (!session || list.length === 0) continue;
      const s = this.subject(undefined, session);
      for (const r of list) {
        const at = Date.parse(str(asObj(bio?.[r.metric]), 'ts') ?? '') || 0;
        const old = s.readings.get(r.metric);
        if (!old || old.at <= at) s.readings.set(r.metric, { value: String(Math.round(r.value * 10) / 10), unit: r.unit, at });
        s.lastAt = Math.max(s.lastAt, at);
      }
      this.dirty = true;
    }
  }

  private evictOldest(): void {
    const sorted = [...this.subjects.entries()].sort((a, b) => a[1].lastAt - b[1].lastAt);
    for (const [k] of sorted.slice(0, sorted.length - MAX_SUBJECTS * 2)) this.subjects.delete(k);
  }

  private render(): void {
    if (!this.dirty && this.subjects.size === 0) return;
    this.dirty = false;
    const now = Date.now();
    const list = [...this.subjects.values()].sort((a, b) => b.lastAt - a.lastAt).slice(0, MAX_SUBJECTS);
    replaceChildren(
      byId('context-list'),
      ...list.map((s) => {
        const alert = s.alert && now - s.alert.at < ALERT_SHOWN_MS ? s.alert : undefined;
        const chips = [...s.readings.entries()]
          .sort((a, b) => a[0].localeCompare(b[0]))
          .map(([m, r]) => h('span', { class: 'chip', title: `${m}, ${ago(r.at, now)}` }, h('span', { class: 'chip-k' }, m), ` ${r.value}${r.unit ? ' ' + r.unit : ''}`));
        return h(
          'div',
          { class: alert ? 'ctx has-alert' : 'ctx', 'data-session': s.session, 'data-agent': s.agent },
          h('div', { class: 'ctx-head' }, h('strong', {}, s.session ?? '(no session)'), s.agent ? h('span', { class: 'ctx-agent' }, s.agent) : null, h('span', { class: 'panel-note' }, ago(s.lastAt, now))),
          h('div', { class: 'ctx-readings' }, ...chips),
          alert ? h('div', { class: 'ctx-alert' }, `⚠ ${alert.text}`) : null,
        );
      }),
    );
  }
}
