/** Which open streams a key reload closes: the verdict for each kind of change to the stream's key. */
import { describe, expect, it } from 'vitest';
import { parseApiKeys, type Principal } from '../../src/auth/api-keys.js';
import { CLOSE_KEY_NARROWED, CLOSE_KEY_REMOVED, verdictFor } from '../../src/stream/key-binding.js';

const key = (spec: string): Principal => parseApiKeys(`key-0123456789abcdef=${spec}`)[0].principal;

describe('verdictFor', () => {
  it('keeps a stream whose key is unchanged or only gained access', () => {
    expect(verdictFor(key('a:read'), ['a'])).toBeUndefined();
    expect(verdictFor(key('ops:admin'), ['a'])).toBeUndefined();
    expect(verdictFor(key('ops:admin'), undefined)).toBeUndefined();
    // An admin key's own project label does not limit what it reads.
    expect(verdictFor(key('other:admin'), undefined)).toBeUndefined();
  });

  it('closes with 4001 when the key is gone', () => {
    expect(verdictFor(undefined, ['a'])?.code).toBe(CLOSE_KEY_REMOVED);
  });

  it('closes with 4003 when the key lost the read role or the stream\'s projects', () => {
    expect(verdictFor(key('a:ingest'), ['a'])?.code).toBe(CLOSE_KEY_NARROWED);
    expect(verdictFor(key('a:metrics'), ['a'])?.code).toBe(CLOSE_KEY_NARROWED);
    expect(verdictFor(key('b:read'), ['a'])?.code).toBe(CLOSE_KEY_NARROWED);
    // An admin stream sees every project; the same key as a read key would see one.
    expect(verdictFor(key('a:read'), undefined)?.code).toBe(CLOSE_KEY_NARROWED);
  });

  it('keeps close reasons within a WebSocket close frame', () => {
    for (const v of [verdictFor(undefined, ['a']), verdictFor(key('a:ingest'), ['a']), verdictFor(key('b:read'), ['a'])]) {
      expect(Buffer.byteLength(v!.reason)).toBeLessThanOrEqual(120);
    }
  });
});
