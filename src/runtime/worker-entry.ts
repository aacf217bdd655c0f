/**
 * Where a worker thread's entry module is. Each runtime has its own entry per thread
 * (src/runtime/<runtime>/<name>.ts: its SQLite driver, zstd on Bun). The builds emit each as an
 * extra entry point beside the main one (package.json build:bin and build:node), under the same path
 * relative to src/: `dist/node/runtime/node/<name>.js` next to `dist/node/main.node.js`, and
 * `/$bunfs/root/runtime/bun/<name>.js` inside the compiled binary. From sources (bun
 * src/main.bun.ts, tests) it is the TypeScript file itself.
 */
export function workerEntry(runtime: 'bun' | 'node', name: string, moduleUrl: string = import.meta.url): URL {
  const fromSources = moduleUrl.endsWith('.ts');
  if (fromSources) return new URL(`./${runtime}/${name}.ts`, moduleUrl);
  // Bundled, this module is part of an entry's file or of a chunk, so its URL is that file's: the
  // main entry and the chunks of a split build at the root, a worker's entry under runtime/<runtime>/.
  const inRuntimeDir = new URL('.', moduleUrl).pathname.endsWith(`/runtime/${runtime}/`);
  return new URL(`./runtime/${runtime}/${name}.js`, inRuntimeDir ? new URL('../../', moduleUrl) : moduleUrl);
}
