import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/harness.js';
import { expectResponsesMatchDocument } from '../support/openapi-conformance.js';

/** Contract weft-ops §4: rate limits, body limits and security headers, with small limits set through the app's deps. */
let h: Harness;
let plain: Harness;
const MAX_BODY = 3 * 1024 * 1024;
beforeAll(async () => {
  [h, plain] = await Promise.all([
    createHarness({ withoutWorker: true, rateLimits: { perKey: 5, perAddress: 3 }, maxBodyBytes: MAX_BODY, corsOrigins: ['https://ui.example'] }),
    createHarness({ withoutWorker: true }),
  ]);
});
afterAll(async () => {
  await Promise.all([h?.close(), plain?.close()]);
});

let keys = 0;
/** A fresh viewer key: the per-key limit here is 5 a minute. */
async function freshKey(): Promise<string> {
  const key = `limits-test-key-${++keys}-0123456789`;
  await h.repos.apiKeys.ensure(key, `limits-${keys}`, 'operator');
  return key;
}

describe('rate limits', () => {
  it('allows WEFT_RATE_LIMIT requests a minute per key, then 429 RATE_LIMITED with Retry-After and RateLimit headers', async () => {
    const key = await freshKey();
    for (let i = 0; i < 5; i++) {
      const res = await h.api('GET', '/api/v1/workflows', undefined, { key });
      expect(res.status).toBe(200);
      expect(res.headers.get('ratelimit-limit')).toBe('5');
      expect(res.headers.get('ratelimit-remaining')).toBe(String(4 - i));
      expect(Number(res.headers.get('ratelimit-reset'))).toBeGreaterThan(0);
    }
    const over = await h.api('GET', '/api/v1/workflows', undefined, { key });
    expect(over.status).toBe(429);
    expect(over.body.error).toMatchObject({ code: 'RATE_LIMITED', details: { limit: 5 } });
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(over.headers.get('ratelimit-remaining')).toBe('0');
    // Another key has its own budget.
    expect((await h.api('GET', '/api/v1/workflows', undefined, { key: await freshKey() })).status).toBe(200);
  });

  it('limits requests without a valid key per address, and never /health or /ready', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await h.api('GET', '/api/v1/runs', undefined, { key: i % 2 ? 'not-a-key-at-all-xyz' : null })).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
    // The public document counts as anonymous too, but a valid key is not held back by the address's budget.
    expect((await h.api('GET', '/api/v1/openapi.json', undefined, { key: null })).status).toBe(429);
    expect((await h.api('GET', '/api/v1/runs', undefined, { key: await freshKey() })).status).toBe(200);
    for (let i = 0; i < 10; i++) {
      expect((await h.api('GET', '/health', undefined, { key: null })).status).toBe(200);
      const ready = await h.api('GET', '/ready', undefined, { key: null });
      expect(ready.status).toBe(200);
      expect(ready.headers.get('ratelimit-limit')).toBeNull();
    }
  });
});

describe('bodies', () => {
  it('answers a body over WEFT_MAX_BODY_BYTES with 413 PAYLOAD_TOO_LARGE and the limit', async () => {
    const res = await h.api('POST', '/api/v1/runs', { definition: 'x'.repeat(MAX_BODY) }, { key: await freshKey() });
    expect(res.status).toBe(413);
    expect(res.body.error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', details: { limitBytes: MAX_BODY } });
  });

  it('answers JSON nested deeper than 64 levels with 400, however deep, and accepts 64', async () => {
    const key = await freshKey();
    const nested = (arrays: number) => `${'['.repeat(arrays)}1${']'.repeat(arrays)}`;
    // The body object is level 1, so its input may nest 63 more.
    const ok = await h.api('POST', '/api/v1/runs', undefined, { key, raw: `{"workflow": "nope", "input": ${nested(63)}}`, headers: { 'content-type': 'application/json' } });
    expect([ok.status, ok.body.error.code]).toEqual([404, 'NOT_FOUND']);
    for (const levels of [64, 1_000_000]) {
      const res = await h.api('POST', '/api/v1/runs', undefined, { key, raw: `{"workflow": "nope", "input": ${nested(levels)}}`, headers: { 'content-type': 'application/json' } });
      expect([res.status, res.body.error.code, res.body.error.details]).toEqual([400, 'BAD_REQUEST', { maxDepth: 64 }]);
    }
  });

  it('answers a body holding NUL (U+0000) in a value, a key, an idempotency key or YAML text with 400, and stores nothing (PostgreSQL cannot: it was a 500)', async () => {
    const key = await freshKey();
    const definition = { apiVersion: 'weft/v1', name: 'nul-body', nodes: [{ id: 'a', type: 'transform', output: 1 }] };
    const before = await h.api('GET', '/api/v1/runs?workflow=nul-body');
    for (const body of [{ definition, input: { s: 'a\u0000b' } }, { definition, input: { 'a\u0000': 1 } }, { definition, idempotencyKey: 'k\u0000' }]) {
      const res = await h.api('POST', '/api/v1/runs', body, { key });
      expect([res.status, res.body.error.code]).toEqual([400, 'BAD_REQUEST']);
    }
    const yaml = await h.api('POST', '/api/v1/workflows', undefined, { key, raw: 'apiVersion: weft/v1\nname: nul-body\nnodes: [{id: a, type: transform, output: "x\u0000"}]\n', headers: { 'content-type': 'application/yaml' } });
    expect([yaml.status, yaml.body.error.code]).toEqual([400, 'BAD_REQUEST']);
    expect((await h.api('GET', '/api/v1/runs?workflow=nul-body')).body).toEqual(before.body);
    expect((await h.api('GET', '/api/v1/workflows/nul-body')).status).toBe(404);
  });

  it('answers NUL (U+0000) in a query or path parameter with 400 before anything is read, a streamed export included (it broke the stream mid-way)', async () => {
    for (const path of ['/api/v1/export/runs?status=%00', '/api/v1/export/node-executions?workflow=a%00b', '/api/v1/runs?workflow=%00', '/api/v1/runs/run%00x', '/api/v1/workflows/%00']) {
      const res = await h.api('GET', path, undefined, { key: await freshKey() });
      expect([path, res.status, res.body.error?.code]).toEqual([path, 400, 'BAD_REQUEST']);
    }
  });
});

describe('headers', () => {
  it('sends nosniff, frame denial and a restrictive CSP on every response, and no HSTS over plain HTTP', async () => {
    for (const res of [await h.api('GET', '/health', undefined, { key: null }), await plain.api('GET', '/api/v1/runs'), await plain.api('GET', '/api/v1/nowhere', undefined, { key: null })]) {
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(res.headers.get('strict-transport-security')).toBeNull();
      expect(res.headers.get('x-powered-by')).toBeNull();
    }
  });

  it('sends CORS headers only for the origins in WEFT_CORS_ORIGINS, and none without the setting', async () => {
    const allowed = await fetch(`${h.url}/health`, { headers: { origin: 'https://ui.example' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://ui.example');
    const preflight = await fetch(`${h.url}/api/v1/runs`, { method: 'OPTIONS', headers: { origin: 'https://ui.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('Authorization');
    const other = await fetch(`${h.url}/health`, { headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const none = await fetch(`${plain.url}/health`, { headers: { origin: 'https://ui.example' } });
    expect([...none.headers.keys()].filter((name) => name.startsWith('access-control-'))).toEqual([]);
  });

  it('serves a self-contained reference page at /api/docs under a CSP that allows only its own style', async () => {
    const res = await fetch(`${plain.url}/api/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toMatch(/style-src 'sha256-[A-Za-z0-9+/=]+'/);
    const html = await res.text();
    expect(html).not.toMatch(/<script|https?:\/\/(?!ui\.example)[a-z]/i);
    for (const path of ['/api/v1/runs/{id}/approvals/{nodeId}', '/api/v1/keys/{id}', '/api/v1/audit']) expect(html).toContain(path);
  });
});

describe('OpenAPI document', () => {
  it('describes every response these limits produced', async () => {
    expect(await expectResponsesMatchDocument(h)).toBeGreaterThan(10);
    await expectResponsesMatchDocument(plain);
  });
});
