/**
 * Where the encoder thread's entry module is. Each runtime has its own
 * (src/runtime/<runtime>/archive-worker.ts: its SQLite driver, zstd on Bun). The builds emit it as
 * a second entry point beside the main one (package.json build:bin and build:node), under the same
 * path relative to src/: `dist/node/runtime/node/archive-worker.js` next to
 * `dist/node/main.node.js`, and `/$bunfs/root/runtime/bun/archive-worker.js` inside the compiled
 * binary. From sources (bun src/main.bun.ts, tests) it is the TypeScript file itself.
 */
export function archiveWorkerEntry(runtime: 'bun' | 'node', moduleUrl: string = import.meta.url): URL {
  // Bundled, this module is part of the main entry's file, so its URL is that file's.
  const fromSources = moduleUrl.endsWith('.ts');
  return fromSources ? new URL(`../../runtime/${runtime}/archive-worker.ts`, moduleUrl) : new URL(`./runtime/${runtime}/archive-worker.js`, moduleUrl);
}
