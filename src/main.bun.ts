/** Entry point of the compiled binary (bun build --compile). */
import { runCli } from './cli/main.js';
import { bunRuntime } from './runtime/bun/server.js';

await runCli(process.argv.slice(2), bunRuntime);
