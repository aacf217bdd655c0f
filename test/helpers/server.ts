/** Starts the real server in-process on the Node runtime, on a real port. */
import { afterAll, beforeAll, expect } from 'vitest';
import { silentLogger, createLogger, type Logger } from '../../src/core/log.js';
import type { Config } from '../../src/config/schema.js';
import { nodeRuntime } from '../../src/runtime/node/server.js';
import { startServer, type RunningServer, type StartOptions } from '../../src/server/start-server.js';
import { MODULE_FACTORIES } from '../../src/server/modules.js';
import { createDashboardsModule, dashboardsModule } from '../../src/state/dashboards-module.js';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { testConfig } from './config.js';

export interface TestServer extends RunningServer {
  config: Config;
  errors: string[];
}

/** A logger that records errors so a test can fail when the server logged one. */
function recordingLogger(errors: string[]): Logger {
  const base = process.env.AUREN_TEST_LOG ? createLogger('debug') : silentLogger;
  return { ...base, error: (msg, fields) => (errors.push(`${msg} ${JSON.stringify(fields ?? {}, (_k, v) => (v instanceof Error ? v.stack : v))}`), base.error(msg, fields)) };
}

/**
 * The Node build's dashboard state thread (npm run build:node): vitest runs sources, which Node
 * cannot start as a worker, so test servers run the built thread — the same code the products run.
 */
const NODE_STATE_WORKER = resolve(import.meta.dirname, '../../dist/node/runtime/node/state-worker.js');

function defaultModules(): StartOptions['modules'] {
  if (!existsSync(NODE_STATE_WORKER)) throw new Error(`${NODE_STATE_WORKER} is missing: run npm run build:node`);
  const dashboards = createDashboardsModule({ stateEntry: pathToFileURL(NODE_STATE_WORKER) });
  return MODULE_FACTORIES.map((f) => (f === dashboardsModule ? dashboards : f));
}

export async function startTestServer(
  opts: { config?: Partial<Config>; argv?: string[] } & Partial<Omit<StartOptions, 'config' | 'runtime' | 'logger'>> = {},
): Promise<TestServer> {
  const config = testConfig(opts.config, opts.argv);
  const errors: string[] = [];
  const server = await startServer({ ...opts, modules: opts.modules ?? defaultModules(), runtime: nodeRuntime, config, logger: recordingLogger(errors) });
  return { ...server, config, errors, url: `http://127.0.0.1:${server.port}` };
}

/**
 * One server for the enclosing `describe`: started before its tests, stopped after them, and the
 * block fails if the server logged an error. The returned object is filled in by `beforeAll`, so
 * read it inside tests and hooks only.
 *
 * @example
 * describe('GET /v1/stream', () => {
 *   const s = useTestServer();
 *   it('streams', async () => { await connectStream(s.url); });
 * });
 */
export function useTestServer(opts: Parameters<typeof startTestServer>[0] = {}): TestServer {
  const s = {} as TestServer;
  beforeAll(async () => {
    Object.assign(s, await startTestServer(opts));
  });
  afterAll(async () => {
    await s.stop();
    expect(s.errors).toEqual([]);
  });
  return s;
}
