/** The simulator's public surface: the seeded crew workload and the rate-driven runner. */
export { CrewWorkload, MIN_AGENTS, type WorkloadOptions } from './workload.js';
export { runSimulation, type SimulationOptions, type SimulationSummary } from './run-simulation.js';
export { FatalPostError } from './post-batch.js';
export type { SimEvent, SimUsage } from './sim-event.js';

import { CrewWorkload as Workload, type WorkloadOptions as Options } from './workload.js';
import type { SimEvent as Event } from './sim-event.js';

/**
 * The first `count` events of a crew (same options, same events): for tests and benchmarks that
 * want a realistic batch without running the sender.
 *
 * @example const events = crewEvents(10_000, { agents: 5, seed: 1, runId: 'bench' });
 */
export function crewEvents(count: number, options: Options): Event[] {
  return new Workload(options).take(count);
}
