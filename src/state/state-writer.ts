/**
 * Applies a batch of committed events to every dashboard's state. Each writer sums the batch in
 * memory; flush() then writes one upsert per distinct key. The caller wraps apply() in the same
 * transaction that advances the watermark.
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

  private readonly knownProjects = new Set<string>();
  private readonly addProject: SqlStatement;

  constructor(db: SqliteDatabase, retention: Record<Tier, number>, private readonly index: HandoffIndex) {
    this.addProject = db.prepare('INSERT OR IGNORE INTO state_projects (project) VALUES (?)');
    this.cost = new CostWriter(db);
    this.reasoning = new ReasoningWriter(db, retention, index);
    this.learning = new LearningWriter(db, retention);
    this.context = new ContextWriter(db, retention);
  }

  apply(events: readonly StoredEvent[]): void {
    try {
      for (const e of events) {
        if (!this.knownProjects.has(e.project)) {
          this.addProject.run(e.project);
          this.knownProjects.add(e.project);
        }
        const d = dataFor(e);
        this.cost.add(e);
        this.reasoning.add(e, d);
        this.learning.add(e, d);
        this.context.add(e, d);
        this.markDirty(e);
      }
      this.cost.flush();
      this.reasoning.flush();
      this.learning.flush();
      this.context.flush();
    } catch (err) {
      // The transaction rolls back; half-flushed sums must not leak into the retry.
      this.cost.reset();
      this.reasoning.reset();
      this.learning.reset();
      this.context.reset();
      this.knownProjects.clear();
      this.index.discard();
      throw err;
    }
  }

  /** The batch's transaction committed: in-memory indexes may now count it. */
  committed(): void {
    this.index.commit();
  }

  private markDirty(e: StoredEvent): void {
    if (isCostEvent(e) || e.type === 'agent.handoff') this.dirty.cost.add(e.project);
    if (e.trace_id !== undefined || e.agent_id !== undefined) this.dirty.reasoning.add(e.project);
    if (/^(memory|hypothesis|knowledge)\./.test(e.type)) this.dirty.learning.add(e.project);
  }
}
