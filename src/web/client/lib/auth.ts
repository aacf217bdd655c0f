/**
 * The read key, when the server has auth on. Kept in sessionStorage only (gone when the tab closes),
 * sent as `Authorization: Bearer` to the API and as `?token=` to the WebSocket, which cannot carry headers.
 */

const STORAGE_KEY = 'auren.read-key';

export function readKey(): string | undefined {
  try {
    return sessionStorage.getItem(STORAGE_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

export function saveKey(key: string): void {
  try {
    sessionStorage.setItem(STORAGE_KEY, key);
  } catch {
    // storage disabled: the key lives only as long as the page
  }
  memoryKey = key;
}

export function forgetKey(): void {
  try {
    sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // nothing stored
  }
  memoryKey = undefined;
}

let memoryKey: string | undefined;

export function currentKey(): string | undefined {
  return readKey() ?? memoryKey;
}

export function authHeaders(): Record<string, string> {
  const k = currentKey();
  return k ? { Authorization: `Bearer ${k}` } : {};
}
