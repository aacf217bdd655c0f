/** The key set the hardening tests use: two projects with ingest and read keys, and one admin key. */
export const KEYS = {
  aIngest: 'a-ingest-0123456789abcdef',
  aRead: 'a-read-0123456789abcdef01',
  bIngest: 'b-ingest-0123456789abcdef',
  bRead: 'b-read-0123456789abcdef01',
  admin: 'admin-0123456789abcdef012',
  metrics: 'metrics-0123456789abcdef01',
} as const;

export type KeyName = keyof typeof KEYS;

/** The `AUREN_API_KEYS` / `--api-keys` value for KEYS. */
export const API_KEYS =
  `${KEYS.aIngest}=proj-a:ingest,${KEYS.aRead}=proj-a:read,${KEYS.bIngest}=proj-b:ingest,` +
  `${KEYS.bRead}=proj-b:read,${KEYS.admin}=ops:admin,${KEYS.metrics}=ops:metrics`;

export const bearer = (key: string): Record<string, string> => ({ authorization: `Bearer ${key}` });
