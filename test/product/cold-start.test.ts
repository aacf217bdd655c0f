/**
 * What start-up leaves for later still works on the built product: the price database, the S3
 * client and the commands other than `serve` load at first use, so the very first request of each
 * kind must behave exactly as on a warm server.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { otlpTypes } from '../../src/otlp/otlp-schema.js';
import { runAuren, spawnAuren, TARGETS, type Spawned } from '../helpers/binary.js';
import { tempDir } from '../helpers/config.js';
import { postEvents } from '../helpers/ws-client.js';

const TRACE = '5b8efff798038103d269b633813fc60c';

/** The cost dashboard's total once the state has taken the event in (it follows the log). */
async function totalCost(url: string): Promise<number> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const { total_usd } = (await (await fetch(url + '/v1/dashboards/cost?window=24h')).json()) as { total_usd: number };
    if (total_usd > 0 || Date.now() > deadline) return total_usd;
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe.each(TARGETS)('first use after a cold start (%s)', (target) => {
  const running: Spawned[] = [];
  afterEach(async () => {
    for (const p of running.splice(0)) await p.stop();
  });
  const serve = async (extra: string[] = [], env: Record<string, string> = {}) => {
    const p = await spawnAuren(target, ['serve', '--port', '0', '--data-dir', tempDir(), '--archive', 'none', ...extra], env);
    running.push(p);
    return p;
  };

  it('prices the first event, received right after the listening line', async () => {
    const p = await serve();
    // gpt-4o: 1000 input at $2.50/M + 500 output at $10/M.
    const r = await postEvents(p.url, { type: 'llm.call', model: 'gpt-4o', usage: { input_tokens: 1000, output_tokens: 500 } });
    expect(r).toMatchObject({ status: 202, json: { accepted: 1 } });
    expect(await totalCost(p.url)).toBeCloseTo(0.0075, 12);
    expect((await fetch(p.url + '/healthz')).status).toBe(200);
  });

  it('answers a first OTLP protobuf export and prices its span', async () => {
    const p = await serve();
    const t = otlpTypes().request;
    const body = t.encode(t.fromObject({ resourceSpans: [{ scopeSpans: [{ spans: [{
      traceId: Buffer.from(TRACE, 'hex'), spanId: Buffer.alloc(8, 7), name: 'chat gpt-4o', kind: 3,
      startTimeUnixNano: String(BigInt(Date.now()) * 1_000_000n), endTimeUnixNano: String(BigInt(Date.now() + 5) * 1_000_000n),
      attributes: [
        { key: 'gen_ai.operation.name', value: { stringValue: 'chat' } },
        { key: 'gen_ai.request.model', value: { stringValue: 'gpt-4o' } },
        { key: 'gen_ai.usage.input_tokens', value: { intValue: 1000 } },
        { key: 'gen_ai.usage.output_tokens', value: { intValue: 500 } },
      ],
    }] }] }] })).finish() as Uint8Array<ArrayBuffer>;
    const res = await fetch(p.url + '/v1/traces', { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-protobuf');
    expect(await totalCost(p.url)).toBeCloseTo(0.0075, 12);
  });

  it('starts with an s3:// archive whose endpoint is down, loading the S3 client for the start-up check', async () => {
    const p = await serve(['--archive', 's3://cold-bucket/prefix', '--s3-endpoint', 'http://127.0.0.1:9'], {
      AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1',
    });
    expect((await fetch(p.url + '/healthz')).status).toBe(200);
    expect(p.stderr()).toMatch(/archive target unreachable at start/);
    expect(p.stderr()).toContain('s3://cold-bucket/prefix');
  });

  it('loads every other command on demand', async () => {
    const help = await runAuren(target, ['--help']);
    for (const name of ['serve', 'archive', 'simulate', 'backup']) expect(help.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
    const archive = await runAuren(target, ['archive', '--help']);
    expect(archive).toMatchObject({ code: 0, stdout: expect.stringContaining('auren archive <ls|verify|lifecycle>') });
    // lifecycle on a folder archive needs no bucket, only the command's code.
    const lifecycle = await runAuren(target, ['archive', 'lifecycle', '--archive', `file://${tempDir()}`]);
    expect(lifecycle.code).toBe(1);
    expect(lifecycle.stderr).toMatch(/lifecycle rules exist only for S3 buckets/);
    const dry = await runAuren(target, ['archive', 'lifecycle', '--dry-run', '--archive', 's3://cold-bucket/p', '--archive-retention', 'analytical=7d']);
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ Bucket: 'cold-bucket' });
    for (const cmd of ['simulate', 'backup']) {
      const r = await runAuren(target, [cmd, '--help']);
      expect(r.code, `${cmd} --help: ${r.stderr}`).toBe(0);
    }
  });
});
