/** Latest biometric readings for agents or sessions, shown beside them in the dashboards. */
import { and, eq, inArray } from 'drizzle-orm';
import type { SqliteDatabase } from '../runtime/types.js';
import { biometrics } from './schema/index.js';
import { iso } from './time.js';

export interface ReadingJson {
  value: number;
  unit?: string;
  ts: string;
  readings: number;
}

export type Readings = Record<string, ReadingJson>;

/** id → metric → latest reading, for one project and subject kind. */
export function latestReadings(db: SqliteDatabase, project: string, subject: 'agent' | 'session', ids: readonly string[]): Map<string, Readings> {
  const out = new Map<string, Readings>();
  if (ids.length === 0) return out;
  const rows = db.orm
    .select()
    .from(biometrics)
    .where(and(eq(biometrics.project, project), eq(biometrics.subject, subject), inArray(biometrics.subject_id, [...new Set(ids)])))
    .all();
  for (const r of rows) {
    let m = out.get(r.subject_id);
    if (!m) out.set(r.subject_id, (m = {}));
    m[r.metric] = { value: r.value, ...(r.unit ? { unit: r.unit } : {}), ts: iso(r.ts), readings: r.readings };
  }
  return out;
}
