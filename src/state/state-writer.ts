/**
 * Applies committed events to every dashboard's state. Each writer sums events in memory (add);
 * flush() then writes one upsert per distinct key, inside the transaction that advances the watermark.
 */
import type { StoredEvent, Tier } from '../core/event.js';
import type { SqliteDatabase, SqlStatement } from '../runtime/types.js';
import { ContextWriter } from './context-writer.js';
import { CostWriter } from './cost-writer.js';
import { dataFor, isCostEvent } from './event-facts.js';
import { LearningWriter } from './learning-writer.js';
import type { HandoffIndex } from './handoff-index.js';
import { ReasoningWriter } from './reasoning-writer.js';

export type DashboardName = 'cost' | 'reasoning' | 'learning';

export class StateWriter {
  private readonly cost: CostWriter;
  private readonly reasoning: ReasoningWriter;
  private readonly learning: LearningWriter;
  private readonly context: ContextWriter;
  /** Projects whose dashboards changed since the live publisher last looked. */
  readonly dirty: Record<DashboardName, Set<string>> = { cost: new Set(), reasoning: new Set(), learning: new Set() };

  /** Changed but not written yet: becomes `dirty` when the write commits, so no frame shows stale state. */
  private readonly pendingDirty: Record<DashboardName, Set<string>> = { cost: new Set(), reasoning: new Set(), learning: new Set() };

  private readonly knownProjects = new Set<string>();
  private readonly newProjects: string[] = [];
  private readonly addProject: SqlStatement;

  constructor(db: SqliteDatabase, retention: Record<Tier, number>, private readonly index: HandoffIndex) {
    this.addProject = db.prepare('INSERT OR IGNORE INTO state_projects (project) VALUES (?)');
    this.cost = new CostWriter(db);
    this.reasoning = new ReasoningWriter(db, retention, index);
    this.learning = new LearningWriter(db, retention);
    this.context = new ContextWriter(db, retention);
  }

  /** Folds events into each writer's in-memory sums (reads committed state at most; writes nothing). */
  add(events: readonly StoredEvent[]): void {
    for (const e of events) {
      if (!this.knownProjects.has(e.project)) {
        this.knownProjects.add(e.project);
        this.newProjects.push(e.project);
      }
      const d = dataFor(e);
      this.cost.add(e);
      this.reasoning.add(e, d);
      this.learning.add(e, d);
      this.context.add(e, d);
      this.markDirty(e);
    }
  }

  /** Writes the sums; the caller wraps this in the transaction that advances the watermark. */
  flush(): void {
    for (const p of this.newProjects) this.addProject.run(p);
    this.cost.flush();
    this.reasoning.flush();
    this.learning.flush();
    this.context.flush();
  }

  /** The sums were not written (a failed fold or transaction): forget them, the log has the events. */
  reset(): void {
    this.cost.reset();
    this.reasoning.reset();
    this.learning.reset();
    this.context.reset();
    this.knownProjects.clear();
    this.newProjects.length = 0;
    for (const set of Object.values(this.pendingDirty)) set.clear();
    this.index.discard();
  }

  /** Folds and writes in one go (tests, tools); production goes through LogFollower. */
  apply(events: readonly StoredEvent[]): void {
    try {
      this.add(events);
      this.flush();
    } catch (err) {
      this.reset();
      throw err;
    }
  }

  /** The flush's transaction committed: in-memory indexes and live frames may now count it. */
  committed(): void {
    this.index.commit();
    this.newProjects.length = 0;
    for (const name of Object.keys(this.pendingDirty) as DashboardName[]) {
      for (const p of this.pendingDirty[name]) this.dirty[name].add(p);
      this.pendingDirty[name].clear();
    }
  }

  private markDirty(e: StoredEvent): void {
    if (isCostEvent(e) || e.type === 'agent.handoff') this.pendingDirty.cost.add(e.project);
    if (e.trace_id !== undefined || e.agent_id !== undefined) this.pendingDirty.reasoning.add(e.project);
    if (/^(memory|hypothesis|knowledge)\./.test(e.type)) this.pendingDirty.learning.add(e.project);
  }
}
