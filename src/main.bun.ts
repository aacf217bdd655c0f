/** Entry point of the compiled binary (bun build --compile --splitting). */
import { tuneMemory } from './runtime/bun/memory-tuning.js';

// Before the app's modules load (separate chunks of the build): the server may start again here
// with its memory settings, having loaded only these few lines.
tuneMemory(process.argv, process.argv[2]);
const [{ runCli }, { bunRuntime }] = await Promise.all([import('./cli/main.js'), import('./runtime/bun/server.js')]);
await runCli(process.argv.slice(2), bunRuntime);
