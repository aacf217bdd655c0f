/** Entry point on Node 20+ (npx auren …). */
import { runCli } from './cli/main.js';
import { nodeRuntime } from './runtime/node/server.js';

await runCli(process.argv.slice(2), nodeRuntime);
