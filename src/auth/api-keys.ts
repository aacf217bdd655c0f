/**
 * API keys: `KEY=PROJECT:ROLE`, ROLE one of ingest, read, admin (admin = both, every project).
 * Keys are compared in constant time and never logged.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export type Role = 'ingest' | 'read' | 'admin';
export const ROLES: Role[] = ['ingest', 'read', 'admin'];

export interface Principal {
  project: string;
  role: Role;
  /** Projects this principal may read; undefined = all (admin, or auth off). */
  readProjects: string[] | undefined;
  canIngest: boolean;
  canRead: boolean;
}

export const ANONYMOUS: Principal = { project: 'default', role: 'admin', readProjects: undefined, canIngest: true, canRead: true };

interface KeyEntry {
  digest: Buffer;
  principal: Principal;
}

const PROJECT_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export function parseApiKeys(text: string): KeyEntry[] {
  const entries: KeyEntry[] = [];
  for (const raw of text.split(/[,\n]/)) {
    const part = raw.trim();
    if (part === '' || part.startsWith('#')) continue;
    const eq = part.lastIndexOf('=');
    const key = part.slice(0, eq);
    const [project, role] = part.slice(eq + 1).split(':');
    if (eq <= 0 || !project || !role) throw new Error('each key must be KEY=PROJECT:ROLE (ROLE ingest, read or admin)');
    if (key.length < 16) throw new Error(`a key for project "${project}" is shorter than 16 characters; use long random keys`);
    if (!PROJECT_RE.test(project)) throw new Error(`project "${project.slice(0, 40)}" must be letters, digits, _ . - (at most 64)`);
    if (!ROLES.includes(role as Role)) throw new Error(`role "${role.slice(0, 20)}" for project "${project}" must be ingest, read or admin`);
    const r = role as Role;
    entries.push({
      digest: digest(key),
      principal: { project, role: r, readProjects: r === 'admin' ? undefined : [project], canIngest: r !== 'read', canRead: r !== 'ingest' },
    });
  }
  if (entries.length === 0) throw new Error('no keys given');
  return entries;
}

function digest(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}

export class KeyRing {
  constructor(private entries: KeyEntry[] | undefined) {}

  get enabled(): boolean {
    return this.entries !== undefined;
  }

  replace(entries: KeyEntry[]): void {
    this.entries = entries;
  }

  /** Finds the principal for a presented key; every entry is compared, in constant time. */
  lookup(key: string): Principal | undefined {
    if (!this.entries) return ANONYMOUS;
    const d = digest(key);
    let found: Principal | undefined;
    for (const e of this.entries) if (timingSafeEqual(e.digest, d)) found ??= e.principal;
    return found;
  }
}
