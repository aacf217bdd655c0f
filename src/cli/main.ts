/** Command-line entry shared by both runtimes: dispatches `auren <command> …`. */
import pkg from '../../package.json' with { type: 'json' };
import { ConfigError } from '../config/load.js';
import type { Runtime } from '../runtime/types.js';
import { COMMANDS, lazyCommand, registerCommand } from './commands.js';

// Each command's modules load when it runs: start-up pays only for the command it starts.
registerCommand(lazyCommand('serve', 'Run the server (ingest, stream, dashboards, archive)', async () => (await import('./serve-command.js')).serveCommand));
registerCommand(lazyCommand('archive', 'Inspect and check the Parquet archive (ls, verify, lifecycle)', async () => (await import('./archive-command.js')).archiveCommand));
registerCommand(lazyCommand('simulate', 'Drive a realistic multi-agent workload at a server', async () => (await import('./simulate-command.js')).simulateCommand));
registerCommand(lazyCommand('backup', 'Copy the SQLite store to a file while the server runs', async () => (await import('../cluster/backup-command.js')).backupCommand));

function usage(): string {
  const rows = COMMANDS.map((c) => `  ${c.name.padEnd(12)} ${c.summary}`).join('\n');
  return `auren ${pkg.version} — live view of what AI agents do, think, learn and spend\n\nUsage: auren <command> [flags]\n\nCommands:\n${rows}\n\nRun "auren <command> --help" for a command's flags. "auren --version" prints the version.\n`;
}

export async function runCli(argv: string[], runtime: Runtime): Promise<void> {
  const [cmd, ...rest] = argv;
  if (cmd === '--version' || cmd === '-v' || cmd === 'version') {
    process.stdout.write(`auren ${pkg.version} (${runtime.name})\n`);
    process.exit(0);
  }
  if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    process.stdout.write(usage());
    process.exit(0);
  }
  const command = COMMANDS.find((c) => c.name === cmd);
  if (!command) {
    process.stderr.write(`auren: unknown command "${cmd}"\n\n${usage()}`);
    process.exit(2);
  }
  try {
    const code = await command.run(rest, runtime);
    process.exit(code);
  } catch (err) {
    const msg = err instanceof ConfigError ? `auren: config error ${err.message}` : `auren: ${(err as Error).message}`;
    process.stderr.write(msg + '\n');
    process.exit(err instanceof ConfigError ? 2 : 1);
  }
}
