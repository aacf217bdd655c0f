/**
 * Pushes dashboard frames to stream clients that asked for `dashboards=…`: once a second at most per
 * dashboard and project, only for dashboards someone watches, and only when the rendered data
 * changed. Projects whose state changed are rendered at once; otherwise reasoning every few seconds
 * (active chains age out with time alone) and cost and learning when the hour turns (the window moves).
 */
import type { Logger } from '../core/log.js';
import type { Clock } from '../core/clock.js';
import type { Hub } from '../stream/hub.js';
import type { DashboardState } from './dashboard-state.js';
import { sleep } from './sleep.js';
import type { DashboardName } from './state-writer.js';
import { hourOf } from './time.js';

const NAMES: DashboardName[] = ['cost', 'reasoning', 'learning'];

export interface LivePublisherOptions {
  state: DashboardState;
  hub: Hub;
  clock: Clock;
  logger: Logger;
  intervalMs?: number;
  /** How often an unchanged project is re-rendered anyway (time-based changes). */
  refreshMs?: number;
}

export class LivePublisher {
  private readonly last = new Map<string, { json: string; at: number }>();
  published = 0;

  constructor(private readonly o: LivePublisherOptions) {}

  /** One round: render what is watched and due, publish what changed. */
  tick(): void {
    const { state, hub, clock } = this.o;
    const watched = hub.watchedDashboards();
    const dirty = state.feed.dirty;
    const now = clock.now();
    const refresh = this.o.refreshMs ?? 5000;
    for (const name of NAMES) {
      const watchers = watched.filter((w) => w.name === name);
      const changed = dirty[name];
      if (watchers.length === 0) {
        changed.clear();
        // Whoever watches next gets a first frame at once.
        for (const k of this.last.keys()) if (k.startsWith(`${name}\u0000`)) this.last.delete(k);
        continue;
      }
      const projects = new Set<string>();
      for (const w of watchers) for (const p of w.projects ?? state.projects(undefined)) projects.add(p);
      for (const project of projects) {
        const key = `${name}\u0000${project}`;
        const prev = this.last.get(key);
        if (prev && !changed.has(project) && !this.due(name, prev.at, now, refresh)) continue;
        const json = JSON.stringify(state.liveView(name, project, now));
        this.last.set(key, { json, at: now });
        if (prev?.json === json) continue;
        hub.publishDashboard(name, project, json);
        this.published++;
      }
      changed.clear();
    }
  }

  private due(name: DashboardName, at: number, now: number, refresh: number): boolean {
    return name === 'reasoning' ? now - at >= refresh : hourOf(now) !== hourOf(at);
  }

  async run(signal: AbortSignal): Promise<void> {
    const interval = this.o.intervalMs ?? 1000;
    while (!signal.aborted) {
      await sleep(interval, signal);
      if (signal.aborted) break;
      try {
        this.tick();
      } catch (err) {
        this.o.logger.error('dashboard frame failed', { err });
      }
    }
  }
}
