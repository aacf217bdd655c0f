/** Entry point of the compiled binary (bun build --compile). */
import { tuneAllocator } from './runtime/bun/allocator-tuning.js';
import { workerEntry } from './runtime/worker-entry.js';

// Before the app's modules load: the server may start again here with its allocator tuned.
tuneAllocator(process.argv, process.argv[2]);
// A URL the bundler does not follow, so the app stays in its own entry and loads only now.
await import(workerEntry('bun', 'cli-entry').href);
