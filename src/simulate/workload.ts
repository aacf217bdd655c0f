/**
 * The simulated crew as an endless, seeded stream of events: several tasks in flight at once
 * (interleaved like real concurrent work), plus wearable readings for each user.
 *
 * @example
 * const w = new CrewWorkload({ agents: 5, seed: 42 });
 * const batch = w.take(100); // contract-shaped events, ready to POST as NDJSON
 */
import { randomBytes } from 'node:crypto';
import { ROLES, USERS } from './catalog.js';
import { Wearable } from './biometrics.js';
import { taskEvents, type CrewState } from './crew.js';
import { Random } from './random.js';
import type { SimDraft, SimEvent } from './sim-event.js';

export interface WorkloadOptions {
  /** Number of agents (at least 3: planner, analyst, coach; then researcher, critic, more of each). */
  agents: number;
  /** Same seed, same sequence of event contents. Default: random. */
  seed?: number;
  /** Makes ids, trace ids and session ids unique to this run. Default: random. */
  runId?: string;
  /** Tasks in flight at once. Default: twice the number of agents. */
  concurrency?: number;
  /** Share of events that are wearable readings. Default 0.08. */
  biometricShare?: number;
  /** Time source for `ts` (epoch ms). Default: Date.now. */
  now?: () => number;
}

type Task = Generator<SimDraft>;

export const MIN_AGENTS = 3;

export class CrewWorkload {
  readonly runId: string;
  readonly agentIds: string[];
  /** Events produced so far, by type. */
  readonly counts = new Map<string, number>();
  /** Chains started (trace ids). */
  tasksStarted = 0;
  private readonly s: CrewState;
  private readonly wearables: Wearable[];
  private readonly active: { task: Task; id: string }[] = [];
  private readonly queued: SimDraft[] = [];
  private readonly now: () => number;
  private readonly bioShare: number;
  private seq = 0;
  private lastTs = 0;

  constructor(o: WorkloadOptions) {
    if (!Number.isInteger(o.agents) || o.agents < MIN_AGENTS) throw new Error(`agents must be an integer ≥ ${MIN_AGENTS} (a planner, an analyst and a coach)`);
    this.runId = o.runId ?? randomBytes(4).toString('hex');
    this.now = o.now ?? Date.now;
    this.bioShare = o.biometricShare ?? 0.08;
    const r = new Random(o.seed ?? randomBytes(4).readUInt32LE(0));
    const ids = new Random(hash(this.runId) ^ (o.seed ?? 0));
    const agents = new Map<string, string[]>();
    const cycle = ROLES.filter((x) => x !== 'executor');
    this.agentIds = [];
    for (let i = 0; i < o.agents; i++) {
      const role = cycle[i % cycle.length];
      const id = `${role}-${Math.floor(i / cycle.length) + 1}`;
      agents.set(role, [...(agents.get(role) ?? []), id]);
      this.agentIds.push(id);
    }
    this.s = { r, ids, agents, openHypotheses: new Map(), hypothesisCount: 0, nodeCount: 0 };
    const coaches = agents.get('coach')!;
    const users = USERS.slice(0, Math.min(USERS.length, Math.max(2, Math.ceil(o.agents / 2))));
    this.wearables = users.map((u, i) => new Wearable(r, u, `sess-${u}-${this.runId}`, coaches[i % coaches.length]));
    const concurrency = o.concurrency ?? o.agents * 2;
    for (let i = 0; i < concurrency; i++) this.active.push(this.newTask());
  }

  private newTask(): { task: Task; id: string } {
    const wearable = this.s.r.pick(this.wearables);
    this.tasksStarted++;
    const task = taskEvents(this.s, { user: wearable.user, session: wearable.session, coach: wearable.agent, latest: () => wearable.latest() });
    return { task, id: `task-${this.tasksStarted}` };
  }

  /** The next event, stamped with an id and the current time. */
  next(): SimEvent {
    return this.stamp(this.draft(), this.now());
  }

  /**
   * The next n events. With `spreadMs`, their times spread evenly over the last spreadMs (they
   * happened during the sender's last tick), so steps of a chain get distinct, ordered times.
   */
  take(n: number, spreadMs = 0): SimEvent[] {
    const now = this.now();
    const out: SimEvent[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = this.stamp(this.draft(), Math.round(now - ((n - 1 - i) * spreadMs) / n));
    return out;
  }

  private draft(): SimDraft {
    if (this.queued.length) return this.queued.shift()!;
    const { r } = this.s;
    if (r.chance(this.bioShare)) {
      const [first, ...rest] = r.pick(this.wearables).read();
      this.queued.push(...rest);
      return first;
    }
    const i = r.int(0, this.active.length - 1);
    for (;;) {
      const { task, id } = this.active[i];
      const step = task.next();
      // Agent frameworks tag their records with the task: two tasks' steps are not repeats of each other.
      if (!step.done) return { ...step.value, data: { ...step.value.data, task: id } };
      this.active[i] = this.newTask();
    }
  }

  private stamp(d: SimDraft, at: number): SimEvent {
    this.counts.set(d.type, (this.counts.get(d.type) ?? 0) + 1);
    // Never back in time, whatever the spreading did.
    const ts = (this.lastTs = Math.max(this.lastTs, at));
    return { id: `sim-${this.runId}-${++this.seq}`, ts, ...d };
  }
}

/**
 * The first `count` events of a crew (same options, same events): for tests and benchmarks that
 * want a realistic batch without running the sender.
 *
 * @example const events = crewEvents(10_000, { agents: 5, seed: 1, runId: 'bench' });
 */
export function crewEvents(count: number, options: WorkloadOptions): SimEvent[] {
  return new CrewWorkload(options).take(count);
}

/** FNV-1a: a stable number from the run id, to seed the id stream. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
