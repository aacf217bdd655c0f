/** The CLI's subcommands. `serve` is here; other parts of the product register their own. */
import type { Runtime } from '../runtime/types.js';

export interface Command {
  name: string;
  summary: string;
  /** Returns the exit code; long-running commands resolve when they stop. */
  run(args: string[], runtime: Runtime): Promise<number>;
}

export const COMMANDS: Command[] = [];

export function registerCommand(c: Command): void {
  COMMANDS.push(c);
}

/**
 * A command whose code is imported only when it runs, so `auren serve` never evaluates the other
 * commands' modules (the AWS SDK, NATS, Parquet readers) and `--help` evaluates none. `summary` is
 * what `auren --help` lists; a test checks it against the loaded command's own.
 *
 * @example lazyCommand('simulate', 'Drive a workload', async () => (await import('./simulate-command.js')).simulateCommand)
 */
export function lazyCommand(name: string, summary: string, load: () => Promise<Command>): Command & { load: () => Promise<Command> } {
  return { name, summary, load, run: async (args, runtime) => (await load()).run(args, runtime) };
}
