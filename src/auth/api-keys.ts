/**
 * API keys: `KEY=PROJECT:ROLE`, ROLE one of ingest, read, admin (admin = both, every project), or
 * metrics (only GET /metrics, for a Prometheus scraper that should not read events).
 * Keys are compared in constant time and never logged.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export type Role = 'ingest' | 'read' | 'admin' | 'metrics';
export const ROLES: Role[] = ['ingest', 'read', 'admin', 'metrics'];

export interface Principal {
  project: string;
  role: Role;
  /** Projects this principal may read; undefined = all (admin, or auth off). */
  readProjects: string[] | undefined;
  canIngest: boolean;
  canRead: boolean;
  /**
   * Which key this is, across reloads (the hex SHA-256 of the key, never the key itself); undefined
   * when auth is off. Lets an open stream find what its key may do after a SIGHUP reload.
   */
  keyId?: string;
}

export const ANONYMOUS: Principal = { project: 'default', role: 'admin', readProjects: undefined, canIngest: true, canRead: true };

export interface KeyEntry {
  digest: Buffer;
  principal: Principal;
}

const PROJECT_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/**
 * Parses `KEY=PROJECT:ROLE` entries (comma or newline separated, `#` comments). Errors name the entry
 * by position, never by content: a line written the wrong way round would otherwise echo a secret.
 */
export function parseApiKeys(text: string): KeyEntry[] {
  const entries: KeyEntry[] = [];
  const seen = new Set<string>();
  let n = 0;
  for (const raw of text.split(/[,\n]/)) {
    const part = raw.trim();
    if (part === '' || part.startsWith('#')) continue;
    const where = `API key entry ${++n}`;
    const eq = part.lastIndexOf('=');
    const key = part.slice(0, eq);
    const fields = part.slice(eq + 1).split(':');
    const [project, role] = fields;
    if (eq <= 0 || fields.length !== 2 || !project || !role) throw new Error(`${where}: must be KEY=PROJECT:ROLE (ROLE ingest, read, admin or metrics)`);
    if (!ROLES.includes(role as Role)) throw new Error(`${where}: the role must be ingest, read, admin or metrics`);
    if (!PROJECT_RE.test(project)) throw new Error(`${where}: the project must be 1-64 letters, digits, _ . - (starting with a letter or digit)`);
    if (key.length < 16) throw new Error(`${where} (project ${project}): the key is shorter than 16 characters; use long random keys`);
    if (/\s/.test(key)) throw new Error(`${where} (project ${project}): the key must not contain spaces`);
    const d = digest(key);
    if (seen.has(d.toString('hex'))) throw new Error(`${where} (project ${project}): the same key appears twice`);
    seen.add(d.toString('hex'));
    const r = role as Role;
    entries.push({
      digest: d,
      principal: {
        project,
        role: r,
        // A metrics key reads no project's events.
        readProjects: r === 'admin' ? undefined : r === 'metrics' ? [] : [project],
        canIngest: r === 'ingest' || r === 'admin',
        canRead: r === 'read' || r === 'admin',
        keyId: d.toString('hex'),
      },
    });
  }
  if (entries.length === 0) throw new Error('no API keys given');
  return entries;
}

function digest(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}

export class KeyRing {
  private byId = new Map<string, Principal>();
  private readonly listeners = new Set<(ring: KeyRing) => void>();

  constructor(private entries: KeyEntry[] | undefined) {
    this.index();
  }

  private index(): void {
    this.byId = new Map((this.entries ?? []).map((e) => [e.principal.keyId!, e.principal]));
  }

  get enabled(): boolean {
    return this.entries !== undefined;
  }

  /**
   * Swaps the whole key set at once (SIGHUP reload), then tells the listeners, so that long-lived
   * connections (streams) opened with a key that is gone or narrower can be closed.
   */
  replace(entries: KeyEntry[]): void {
    this.entries = entries;
    this.index();
    for (const l of this.listeners) l(this);
  }

  /** Calls `listener` after every replace() (it must not throw: the new keys are already active). */
  onReplace(listener: (ring: KeyRing) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** What a key (by Principal.keyId) may do now; undefined once a reload removed it. */
  current(keyId: string): Principal | undefined {
    return this.byId.get(keyId);
  }

  get size(): number {
    return this.entries?.length ?? 0;
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
