/**
 * Every HTTP route of the product and who may use it. auth-routes.test.ts checks each row with each
 * key, and fails when the app has a route that is missing here: a new route must say who may call it.
 */
export type Access = 'public' | 'ingest' | 'read' | 'metrics' | 'session';

export interface RouteRow {
  method: 'GET' | 'POST';
  /** The pattern as registered (Hono syntax). */
  pattern: string;
  /** A concrete path to call. */
  path: string;
  access: Access;
  headers?: Record<string, string>;
  body?: string;
}

const EVENT = JSON.stringify({ type: 'auth.probe' });
const OTLP = JSON.stringify({ resourceSpans: [] });

export const ROUTES: RouteRow[] = [
  { method: 'GET', pattern: '/healthz', path: '/healthz', access: 'public' },
  { method: 'GET', pattern: '/readyz', path: '/readyz', access: 'public' },
  { method: 'GET', pattern: '/metrics', path: '/metrics', access: 'metrics' },
  { method: 'POST', pattern: '/v1/events', path: '/v1/events', access: 'ingest', headers: { 'content-type': 'application/json' }, body: EVENT },
  { method: 'POST', pattern: '/v1/traces', path: '/v1/traces', access: 'ingest', headers: { 'content-type': 'application/json' }, body: OTLP },
  { method: 'POST', pattern: '/v1/metrics', path: '/v1/metrics', access: 'ingest', headers: { 'content-type': 'application/json' }, body: '{"resourceMetrics":[]}' },
  { method: 'POST', pattern: '/v1/logs', path: '/v1/logs', access: 'ingest', headers: { 'content-type': 'application/json' }, body: '{"resourceLogs":[]}' },
  { method: 'GET', pattern: '/v1/stream', path: '/v1/stream', access: 'read', headers: { accept: 'text/event-stream' } },
  { method: 'GET', pattern: '/v1/dashboards/reasoning', path: '/v1/dashboards/reasoning', access: 'read' },
  { method: 'GET', pattern: '/v1/dashboards/reasoning/:trace_id', path: '/v1/dashboards/reasoning/t-1', access: 'read' },
  { method: 'GET', pattern: '/v1/dashboards/cost', path: '/v1/dashboards/cost?window=24h', access: 'read' },
  { method: 'GET', pattern: '/v1/dashboards/learning', path: '/v1/dashboards/learning', access: 'read' },
  // The UI pages and assets are public: the page asks for a read key and keeps it in the session.
  { method: 'GET', pattern: '/', path: '/', access: 'public' },
  { method: 'GET', pattern: '/index.html', path: '/index.html', access: 'public' },
  { method: 'GET', pattern: '/inspector', path: '/inspector', access: 'public' },
  { method: 'GET', pattern: '/assets/:name', path: '/assets/none.js', access: 'public' },
  { method: 'GET', pattern: '/favicon.ico', path: '/favicon.ico', access: 'public' },
  { method: 'GET', pattern: '/ui/session', path: '/ui/session', access: 'session' },
];

/** Routes whose patterns start with these are covered by the rows above by prefix (e.g. future sub-pages). */
export function rowFor(method: string, pattern: string): RouteRow | undefined {
  return ROUTES.find((r) => r.method === method && r.pattern === pattern);
}
