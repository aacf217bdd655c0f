/**
 * Applies committed events to every dashboard's state, in four parts — cost, reasoning, learning,
 * context — that the follower writes in separate short transactions, each with its own mark. Each
 * part sums events in memory (add); flush(part) then writes one upsert per distinct key.
 */
import type { StoredEvent, Tier } from '../core/event.js';
import type { SqliteDatabase, SqlStatement } from '../runtime/types.js';
import { ContextWriter } from './context-writer.js';
import { CostWriter } from './cost-writer.js';
import { dataFor, isCostEvent, type Data } from './event-facts.js';
import { LearningWriter } from './learning-writer.js';
import type { HandoffSink } from './handoff-index.js';
import type { StateSink } from './log-follower.js';
import { ReasoningWriter } from './reasoning-writer.js';

export type DashboardName = 'cost' | 'reasoning' | 'learning';

/** The parts, in the order they are written (state_marks.part). */
export const STATE_PARTS = ['cost', 'reasoning', 'learning', 'context'] as const;
const [COST, REASONING, LEARNING, CONTEXT] = [0, 1, 2, 3];

function emptyDirty(): Record<DashboardName, Set<string>> {
  return { cost: new Set(), reasoning: new Set(), learning: new Set() };
}

export class StateWriter implements StateSink {
  readonly parts = STATE_PARTS;
  private readonly cost: CostWriter;
  private readonly reasoning: ReasoningWriter;
  private readonly learning: LearningWriter;
  private readonly context: ContextWriter;
  /** Projects whose dashboards changed since the live publisher last looked. */
  readonly dirty: Record<DashboardName, Set<string>> = { cost: new Set(), reasoning: new Set(), learning: new Set() };

  /**
   * Changed but not written yet. A write round takes them at its first part (roundDirty) and makes them
   * `dirty` after its last, so no frame shows state that is not written yet.
   */
  private pendingDirty: Record<DashboardName, Set<string>> = emptyDirty();
  private roundDirty: Record<DashboardName, Set<string>> = emptyDirty();

  private readonly knownProjects = new Set<string>();
  private readonly newProjects: string[] = [];
  private readonly addProject: SqlStatement;

  constructor(db: SqliteDatabase, retention: Record<Tier, number>, private readonly index: HandoffSink) {
    this.addProject = db.prepare('INSERT OR IGNORE INTO state_projects (project) VALUES (?)');
    this.cost = new CostWriter(db);
    this.reasoning = new ReasoningWriter(db, retention, index);
    this.learning = new LearningWriter(db, retention);
    this.context = new ContextWriter(db, retention);
  }

  /**
   * Folds events into the in-memory sums of each part whose mark is below them (after a crash, a part
   * that committed further must not count an event twice). Reads committed state at most; writes nothing.
   */
  add(events: readonly StoredEvent[], after: readonly number[] = [0, 0, 0, 0]): void {
    const [aCost, aReasoning, aLearning, aContext] = after;
    for (const e of events) {
      const s = e.seq;
      // Parsed once for the parts that read it (all of them, except while a part catches up).
      const d: Data = s > aReasoning || s > aLearning || s > aContext ? dataFor(e) : undefined;
      if (s > aCost) {
        if (!this.knownProjects.has(e.project)) {
          this.knownProjects.add(e.project);
          this.newProjects.push(e.project);
        }
        this.cost.add(e);
      }
      if (s > aReasoning) this.reasoning.add(e, d);
      if (s > aLearning) this.learning.add(e, d);
      if (s > aContext) this.context.add(e, d);
      this.markDirty(e);
    }
  }

  /** Writes one part's sums; the follower wraps this in the transaction that advances its mark. */
  flush(part: number): void {
    if (part === COST) {
      // The first part of a round: what it writes is what the round's frames may show.
      this.roundDirty = this.pendingDirty;
      this.pendingDirty = emptyDirty();
      for (const p of this.newProjects.splice(0)) this.addProject.run(p);
      this.cost.flush();
    } else if (part === REASONING) this.reasoning.flush();
    else if (part === LEARNING) this.learning.flush();
    else if (part === CONTEXT) this.context.flush();
  }

  /** The sums were not written (a failed fold or transaction): forget them, the log has the events. */
  reset(): void {
    this.cost.reset();
    this.reasoning.reset();
    this.learning.reset();
    this.context.reset();
    this.knownProjects.clear();
    this.newProjects.length = 0;
    this.pendingDirty = emptyDirty();
    this.roundDirty = emptyDirty();
    this.index.discard();
  }

  /** Folds and writes every part in one go (tests, tools); production goes through LogFollower. */
  apply(events: readonly StoredEvent[]): void {
    try {
      this.add(events);
      for (let p = 0; p < this.parts.length; p++) this.flush(p);
    } catch (err) {
      this.reset();
      throw err;
    }
    for (let p = 0; p < this.parts.length; p++) this.committed(p);
  }

  /** A part's transaction committed: in-memory indexes, and after the last part live frames, may count it. */
  committed(part: number): void {
    if (part === REASONING) this.index.commit();
    if (part !== this.parts.length - 1) return;
    for (const name of Object.keys(this.roundDirty) as DashboardName[]) for (const p of this.roundDirty[name]) this.dirty[name].add(p);
    this.roundDirty = emptyDirty();
  }

  private markDirty(e: StoredEvent): void {
    if (isCostEvent(e) || e.type === 'agent.handoff') this.pendingDirty.cost.add(e.project);
    if (e.trace_id !== undefined || e.agent_id !== undefined) this.pendingDirty.reasoning.add(e.project);
    if (/^(memory|hypothesis|knowledge)\./.test(e.type)) this.pendingDirty.learning.add(e.project);
  }
}
