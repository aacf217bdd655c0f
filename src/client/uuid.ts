/** UUIDv7 from Web Crypto (Node 20+, Bun, browsers): time-ordered, unique ids for idempotent retries. */

const hex: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
// One getRandomValues call per 256 ids: the call itself costs far more than the bytes.
const pool = new Uint8Array(16 * 256);
let pos = pool.length;

export function uuidv7(now = Date.now()): string {
  if (pos >= pool.length) {
    globalThis.crypto.getRandomValues(pool);
    pos = 0;
  }
  const b = pool.subarray(pos, pos + 16);
  pos += 16;
  let t = now;
  for (let i = 5; i >= 0; i--) {
    b[i] = t % 256;
    t = Math.floor(t / 256);
  }
  b[6] = (b[6] & 0x0f) | 0x70;
  b[8] = (b[8] & 0x3f) | 0x80;
  return (
    hex[b[0]] + hex[b[1]] + hex[b[2]] + hex[b[3]] + '-' + hex[b[4]] + hex[b[5]] + '-' + hex[b[6]] + hex[b[7]] + '-' +
    hex[b[8]] + hex[b[9]] + '-' + hex[b[10]] + hex[b[11]] + hex[b[12]] + hex[b[13]] + hex[b[14]] + hex[b[15]]
  );
}
