/** Small helpers shared by the dashboard queries: project scope, rounding, ratios. */
import { inArray, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { SqliteDatabase } from '../runtime/types.js';
import { stateProjects } from './schema/index.js';

/** The projects a caller may read: its key's projects, or every project with state (admin, auth off). */
export function projectScope(db: SqliteDatabase, readProjects: readonly string[] | undefined): string[] {
  if (readProjects) return [...readProjects];
  return db.orm.select({ p: stateProjects.project }).from(stateProjects).all().map((r) => r.p);
}

export function inProjects(col: SQLiteColumn, projects: readonly string[]): SQL {
  return inArray(col, projects as string[]);
}

/** USD rounded to 1e-10, so float noise (0.30000000000000004) never reaches a response. */
export function usd(x: number | null | undefined): number {
  return Math.round((x ?? 0) * 1e10) / 1e10;
}

/** a / b rounded to 6 places, or null when b is 0. */
export function ratio(a: number, b: number): number | null {
  return b > 0 ? Math.round((a / b) * 1e6) / 1e6 : null;
}

/** '' is how rollups store "none": responses say null. */
export function orNull(s: string | null | undefined): string | null {
  return s === '' || s === undefined ? null : s;
}
