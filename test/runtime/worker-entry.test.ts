/** Where each build finds a worker thread's entry module (src/runtime/worker-entry.ts). */
import { describe, expect, it } from 'vitest';
import { workerEntry } from '../../src/runtime/worker-entry.js';

describe('workerEntry', () => {
  it('points at the TypeScript file when running from sources', () => {
    expect(workerEntry('bun', 'state-worker', 'file:///app/src/runtime/worker-entry.ts').href).toBe('file:///app/src/runtime/bun/state-worker.ts');
  });

  it('points beside the main entry of a bundle', () => {
    expect(workerEntry('node', 'state-worker', 'file:///app/dist/node/main.node.js').href).toBe('file:///app/dist/node/runtime/node/state-worker.js');
    expect(workerEntry('bun', 'store-worker', 'file:///$bunfs/root/main.bun.js').href).toBe('file:///$bunfs/root/runtime/bun/store-worker.js');
  });

  it('points beside the main entry from a chunk of a split build, or from a worker entry under runtime/<runtime>/', () => {
    expect(workerEntry('bun', 'state-worker', 'file:///$bunfs/root/chunk-3x8q1f2a.js').href).toBe('file:///$bunfs/root/runtime/bun/state-worker.js');
    expect(workerEntry('bun', 'archive-worker', 'file:///$bunfs/root/runtime/bun/state-worker.js').href).toBe('file:///$bunfs/root/runtime/bun/archive-worker.js');
  });

  it('is not fooled by an install path that happens to hold runtime/<runtime>/', () => {
    expect(workerEntry('node', 'state-worker', 'file:///opt/runtime/node/dist/node/main.node.js').href).toBe('file:///opt/runtime/node/dist/node/runtime/node/state-worker.js');
  });
});
