/**
 * The product's modules beyond the core pipeline, in start order. Each factory returns a Module
 * (routes, readiness, background run) built from the shared context.
 */
import type { AppContext, Module } from '../app-context.js';
import type { Runtime, SqliteDatabase } from '../runtime/types.js';
import { otlpModule } from '../otlp/otlp-module.js';
import { archiveModule } from '../archive/archive-module.js';
import { webModule } from '../web/web-module.js';
import { dashboardsModule } from '../state/dashboards-module.js';

export interface ModuleEnv {
  ctx: AppContext;
  runtime: Runtime;
  /** The SQLite connection of the single-node store (events and bookkeeping; the dashboard state has its own file). */
  db: SqliteDatabase;
}

export type ModuleFactory = (env: ModuleEnv) => Module | Promise<Module>;

export const MODULE_FACTORIES: ModuleFactory[] = [
  dashboardsModule,
  otlpModule,
  webModule,
  archiveModule,
];
