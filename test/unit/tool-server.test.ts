import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ToolServer } from '../../src/conformance/tool-server.js';

let tools: ToolServer;
let base: string;

beforeAll(async () => {
  tools = new ToolServer();
  base = `http://127.0.0.1:${await tools.start()}`;
});
afterAll(() => tools.stop());

describe('the conformance tool server', () => {
  it('holds /hold/MS for that long, logs arrival and answer, and counts the key', async () => {
    const sent = Date.now();
    const held = fetch(`${base}/hold/300?x=1`, { headers: { 'idempotency-key': 'run/node/call_1_1' } });
    // While held, the request is logged with no answer yet.
    await expect.poll(() => tools.requests.find((r) => r.key === 'run/node/call_1_1')).toMatchObject({ path: '/hold/300' });
    expect(tools.requests.find((r) => r.key === 'run/node/call_1_1')!.answeredAt).toBeUndefined();
    const res = await held;
    expect(await res.json()).toMatchObject({ method: 'GET', path: '/hold/300', query: { x: '1' } });
    const logged = tools.requests.find((r) => r.key === 'run/node/call_1_1')!;
    expect(logged.answeredAt! - logged.receivedAt).toBeGreaterThanOrEqual(290);
    expect(logged.receivedAt).toBeGreaterThanOrEqual(sent);
    expect(tools.byIdempotencyKey.get('run/node/call_1_1')).toBe(1);
  });

  it('answers /bytes/N with N characters of data', async () => {
    const body = (await (await fetch(`${base}/bytes/20480`)).json()) as { data: string };
    expect(body.data).toHaveLength(20_480);
  });

  it('keeps /echo and /status/NNN as the conformance README says', async () => {
    expect((await fetch(`${base}/status/503`)).status).toBe(503);
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    expect(await (await fetch(`${base}/echo`, { method: 'POST', body: '{"a":1}' })).json()).toMatchObject({ body: { a: 1 } });
  });
});
