/**
 * Where a worker thread's entry module is. Each runtime has its own entry per thread
 * (src/runtime/<runtime>/<name>.ts: its SQLite driver, zstd on Bun). The builds emit each as an
 * extra entry point beside the main one (package.json build:bin and build:node), under the same path
 * relative to src/: `dist/node/runtime/node/<name>.js` next to `dist/node/main.node.js`, and
 * `/$bunfs/root/runtime/bun/<name>.js` inside the compiled binary. From sources (bun
 * src/main.bun.ts, tests) it is the TypeScript file itself.
 */
export function workerEntry(runtime: 'bun' | 'node', name: string, moduleUrl: string = import.meta.url): URL {
  // Bundled, this module is part of the main entry's file, so its URL is that file's.
  const fromSources = moduleUrl.endsWith('.ts');
  return fromSources ? new URL(`./${runtime}/${name}.ts`, moduleUrl) : new URL(`./runtime/${runtime}/${name}.js`, moduleUrl);
}
