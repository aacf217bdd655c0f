import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/load.js';
import { parseStormWindow, parseVolatileFields } from '../../src/storm/storm-config.js';
import { startTestServer } from '../helpers/server.js';

const load = (argv: string[], env: Record<string, string> = {}) => loadConfig(['--data-dir', '/tmp/x', ...argv], env);

describe('storm settings', () => {
  it('defaults to a 1 s window on every tier and the documented volatile keys', () => {
    const c = load([]);
    expect(c.stormWindow).toEqual({ critical: 1000, operational: 1000, analytical: 1000 });
    expect(c.stormVolatile).toEqual(['ts', 'timestamp', 'id', 'request_id', 'duration_ms']);
  });

  it('takes one window, per-tier windows, a default plus overrides, and off', () => {
    expect(parseStormWindow('250ms')).toEqual({ critical: 250, operational: 250, analytical: 250 });
    expect(parseStormWindow('critical=500ms,analytical=5s')).toEqual({ critical: 500, operational: 1000, analytical: 5000 });
    expect(parseStormWindow('2s,analytical=off')).toEqual({ critical: 2000, operational: 2000, analytical: 0 });
    expect(parseStormWindow('off')).toEqual({ critical: 0, operational: 0, analytical: 0 });
    expect(parseStormWindow('operational=0')).toEqual({ critical: 1000, operational: 0, analytical: 1000 });
    expect(load(['--storm-window', 'off']).stormWindow.critical).toBe(0);
    expect(load([], { AUREN_STORM_WINDOW: 'critical=3s' }).stormWindow.critical).toBe(3000);
  });

  it.each([
    ['-1s', /cannot be negative/],
    ['critical=-5ms', /cannot be negative/],
    ['bogus=1s', /"bogus" is not a tier; use critical, operational, analytical/],
    ['critical=1s,critical=2s', /given twice/],
    ['critical=1s,2s', /must come first/],
    ['fast', /not a duration/],
    ['2m', /60s maximum/],
    ['', /give a window/],
  ])('refuses --storm-window %j naming the flag and its env var', (value, why) => {
    let err: unknown;
    try {
      load(['--storm-window', value]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/--storm-window \/ AUREN_STORM_WINDOW/);
    expect((err as Error).message).toMatch(why);
  });

  it('names the env var when the bad value came from the environment', () => {
    expect(() => load([], { AUREN_STORM_WINDOW: 'critical=-1s' })).toThrow(/in AUREN_STORM_WINDOW .*cannot be negative/);
  });

  it('takes a volatile key list or none, and refuses dotted paths', () => {
    expect(parseVolatileFields('request_id, trace , request_id')).toEqual(['request_id', 'trace']);
    expect(parseVolatileFields('none')).toEqual([]);
    expect(() => load(['--storm-volatile', 'error.timestamp'])).toThrow(/--storm-volatile \/ AUREN_STORM_VOLATILE.*only top-level keys/);
    expect(() => load(['--storm-volatile', ' , '])).toThrow(/--storm-volatile.*comma list/);
  });

  it('a server does not start with a bad window (fails before listening)', async () => {
    await expect(startTestServer({ argv: ['--storm-window', 'operational=-1s'] })).rejects.toThrow(/--storm-window/);
  });

  it('with storm control off, no coalescer is built and the server runs', async () => {
    const s = await startTestServer({ argv: ['--storm-window', 'off'] });
    try {
      expect(await (await fetch(`${s.url}/metrics`)).text()).not.toMatch(/auren_storms_active/);
    } finally {
      await s.stop();
    }
  });
});
