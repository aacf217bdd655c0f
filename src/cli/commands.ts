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
