/**
 * Binds each open stream to the API key that opened it, and after a key reload (SIGHUP) closes the
 * streams whose key is gone (4001) or no longer covers what the stream shows (4003). Streams of keys
 * that still exist with at least the access they had stay up: a reload does not drop them.
 *
 * Why close rather than narrow a stream in place: a key has one project, so a narrower key means a
 * different project or a smaller set. Narrowing silently would leave a dashboard that believes it
 * shows every project showing one, and would not reach a replay already reading with the old scope
 * or frames already queued. A close with a reason is explicit, the client reconnects and gets the
 * key's current scope, and `since` resumes without a gap.
 */
import type { KeyRing, Principal } from '../auth/api-keys.js';
import type { Logger } from '../core/log.js';
import type { Metrics } from '../telemetry/metrics.js';
import type { Hub } from './hub.js';
import type { StreamClient } from './stream-client.js';

/** The stream's key was removed by a reload (like HTTP 401). */
export const CLOSE_KEY_REMOVED = 4001;
/** The stream's key still exists but may no longer read what the stream shows (like HTTP 403). */
export const CLOSE_KEY_NARROWED = 4003;

export interface CloseVerdict {
  code: number;
  reason: string;
}

interface Binding {
  keyId: string;
  /** The projects the stream was opened for; undefined = every project (an admin key). */
  projects: string[] | undefined;
}

/** Whether a key's current access (undefined = removed) still covers a stream opened for `projects`. */
export function verdictFor(now: Principal | undefined, projects: string[] | undefined): CloseVerdict | undefined {
  if (!now) return { code: CLOSE_KEY_REMOVED, reason: 'the API key was removed; reconnect with a valid key' };
  if (!now.canRead) return { code: CLOSE_KEY_NARROWED, reason: 'the API key no longer has the read role; streams need a read or admin key' };
  const allowed = now.readProjects;
  if (allowed && (!projects || projects.some((p) => !allowed.includes(p)))) {
    return { code: CLOSE_KEY_NARROWED, reason: "the API key no longer covers this stream's projects; reconnect to stream with its current access" };
  }
  return undefined;
}

export class StreamKeyBinding {
  private readonly bound = new WeakMap<StreamClient, Binding>();

  constructor(
    private readonly keys: KeyRing,
    private readonly hub: Hub,
    private readonly logger: Logger,
    private readonly metrics: Metrics,
  ) {
    keys.onReplace(() => this.sweep());
  }

  /** Records which key opened `client`; closes it at once if a reload already changed that key. */
  bind(client: StreamClient, principal: Principal): void {
    // Auth off: there is no key to revoke (and a reload cannot turn auth on).
    if (principal.keyId === undefined) return;
    const b: Binding = { keyId: principal.keyId, projects: principal.readProjects };
    this.bound.set(client, b);
    // A WebSocket opens after its upgrade was authorized; a reload in between would be missed.
    if (this.verdict(b)) this.closeStale((c) => c === client);
  }

  private verdict(b: Binding | undefined): CloseVerdict | undefined {
    return b && verdictFor(this.keys.current(b.keyId), b.projects);
  }

  private sweep(): void {
    try {
      this.closeStale(() => true);
    } catch (err) {
      // Listeners must not throw into the reload: the new keys are active either way.
      this.logger.error('closing streams after an API key reload failed', { err });
    }
  }

  private closeStale(among: (c: StreamClient) => boolean): void {
    const closed = { removed: 0, narrowed: 0 };
    this.hub.closeWhere((c) => {
      const v = among(c) ? this.verdict(this.bound.get(c)) : undefined;
      if (v) closed[v.code === CLOSE_KEY_REMOVED ? 'removed' : 'narrowed']++;
      return v;
    });
    if (closed.removed) this.metrics.disconnects.inc({ reason: 'key_removed' }, closed.removed);
    if (closed.narrowed) this.metrics.disconnects.inc({ reason: 'key_narrowed' }, closed.narrowed);
    if (closed.removed || closed.narrowed) this.logger.info('streams closed after an API key reload', closed);
  }
}

const bindings = new WeakMap<Hub, StreamKeyBinding>();

/** The binding of a server's hub: one per hub, however often its app is built. */
export function keyBindingOf(keys: KeyRing, hub: Hub, logger: Logger, metrics: Metrics): StreamKeyBinding {
  let b = bindings.get(hub);
  if (!b) bindings.set(hub, (b = new StreamKeyBinding(keys, hub, logger, metrics)));
  return b;
}
