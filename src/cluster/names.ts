/**
 * Names of everything a cluster keeps in NATS, all derived from the stream name so several clusters
 * can share one NATS: `<stream>.events.<project>.<tier>` subjects, the archive segment stream, etc.
 */
import type { Tier } from '../core/event.js';

const STREAM_NAME = /^[A-Za-z0-9_-]{1,32}$/;

/** Checks `--cluster-stream`; JetStream names may not contain `.`, `*`, `>`, spaces or slashes. */
export function checkStreamName(name: string): string {
  if (!STREAM_NAME.test(name)) {
    throw new Error(`--cluster-stream / AUREN_CLUSTER_STREAM "${name.slice(0, 40)}" must be 1-32 letters, digits, _ or -`);
  }
  return name;
}

/**
 * A project name as one subject token. Projects are letters, digits, `_ . -`; a `.` would split the
 * token, so every other character becomes `~XX` (hex), which no project name contains.
 */
export function projectToken(project: string): string {
  return project.replace(/[^A-Za-z0-9_-]/g, (c) => '~' + c.charCodeAt(0).toString(16).padStart(2, '0'));
}

export function eventSubject(stream: string, project: string, tier: Tier): string {
  return `${stream}.events.${projectToken(project)}.${tier}`;
}

/** The narrowest single subject filter covering these projects and tiers (NATS 2.9 takes one). */
export function eventFilter(stream: string, projects?: readonly string[], tiers?: readonly Tier[]): string {
  const p = projects?.length === 1 ? projectToken(projects[0]) : '*';
  const t = tiers?.length === 1 ? tiers[0] : '*';
  return p === '*' && t === '*' ? `${stream}.events.>` : `${stream}.events.${p}.${t}`;
}

/** Every event subject of one tier, for per-tier retention. */
export function tierFilter(stream: string, tier: Tier): string {
  return `${stream}.events.*.${tier}`;
}

/** `Nats-Msg-Id`: project and id, so JetStream drops a repeated id across every node. */
export function messageId(project: string, id: string): string {
  // Project names have no ':' (letters, digits, _ . -), so the first ':' always separates them.
  return `${project}:${id}`;
}

export interface ArchiveNames {
  stream: string;
  subject: string;
  consumer: string;
}

/** The stream of archive segments (seq ranges) and the durable consumer that hands them out. */
export function archiveNames(stream: string): ArchiveNames {
  return { stream: `${stream}_ARCHIVE`, subject: `${stream}.archive.segments`, consumer: 'archivers' };
}
