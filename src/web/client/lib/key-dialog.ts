/** Asks for a read key when the server has auth on; checks it before keeping it in sessionStorage. */
import { session } from './api.js';
import { forgetKey, saveKey } from './auth.js';
import { byId } from './dom.js';
import type { SessionInfo } from './types.js';

/** Opens the dialog and resolves with the session of an accepted key. */
export function askForKey(reason?: string): Promise<SessionInfo> {
  const dialog = byId<HTMLDialogElement>('key-dialog');
  const form = byId<HTMLFormElement>('key-form');
  const input = byId<HTMLInputElement>('key-input');
  const error = byId('key-error');
  error.hidden = !reason;
  error.textContent = reason ?? '';
  input.value = '';
  return new Promise((resolve) => {
    const submit = async (ev: SubmitEvent) => {
      ev.preventDefault();
      const key = input.value.trim();
      if (!key) return;
      try {
        const s = await session(key);
        if (!s.authenticated) {
          error.hidden = false;
          error.textContent = s.reason ?? 'the server did not accept this key';
          return;
        }
        saveKey(key);
        form.removeEventListener('submit', submit);
        dialog.close();
        resolve(s);
      } catch (err) {
        error.hidden = false;
        error.textContent = `could not check the key: ${(err as Error).message}`;
      }
    };
    form.addEventListener('submit', submit);
    // The dialog cannot be dismissed without a key: nothing on the page works without one.
    dialog.oncancel = (ev) => ev.preventDefault();
    if (!dialog.open) dialog.showModal();
    input.focus();
  });
}

/**
 * Resolves with a session that may read: at once when auth is off or the stored key works, else
 * after the user gave a working key.
 */
export async function ensureSession(onAsk?: () => void): Promise<SessionInfo> {
  const s = await session();
  if (!s.auth_enabled || s.authenticated) return s;
  onAsk?.();
  if (s.reason && s.reason !== 'no key') forgetKey();
  return askForKey(s.reason && s.reason !== 'no key' ? s.reason : undefined);
}

/** Shows the header's "Change key" button when auth is on. */
export function wireKeyButton(s: SessionInfo, onNewKey: (s: SessionInfo) => void): void {
  const btn = byId<HTMLButtonElement>('key-button');
  btn.hidden = !s.auth_enabled;
  btn.onclick = async () => onNewKey(await askForKey());
}
