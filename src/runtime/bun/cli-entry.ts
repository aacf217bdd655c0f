/**
 * The binary's command line with the Bun runtime, loaded by src/main.bun.ts once the allocator is
 * settled. An entry point of its own in the build, so the first start of a re-executed server loads
 * only the few lines of main.bun.ts, not the whole app.
 */
import { runCli } from '../../cli/main.js';
import { bunRuntime } from './server.js';

await runCli(process.argv.slice(2), bunRuntime);
