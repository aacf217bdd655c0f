/** The simulator's public surface: the seeded crew workload and the rate-driven runner. */
export { CrewWorkload, crewEvents, MIN_AGENTS, type WorkloadOptions } from './workload.js';
export { runSimulation, type SimulationOptions, type SimulationSummary } from './run-simulation.js';
export { FatalPostError } from './post-batch.js';
export type { SimEvent, SimUsage } from './sim-event.js';
