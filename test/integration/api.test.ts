import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPlugins } from '../../src/plugins/loader.js';
import { expectResponsesMatchDocument } from '../support/openapi-conformance.js';
import { ADMIN_KEY, createHarness, definition, OPERATOR_KEY, VIEWER_KEY, type Harness } from '../support/harness.js';

/** Contract section 4: the REST API over the real worker, Temporal and PostgreSQL. */
let h: Harness;
beforeAll(async () => {
  // Shipped plugins without hooks (no WEFT_SLACK_WEBHOOK_URL), so runs here deliver none.
  h = await createHarness({ plugins: await loadPlugins({ specifiers: ['slack', 'github'] }) });
});
afterAll(async () => {
  await h?.close();
});

const simple = (name: string, output: unknown = 'x') => definition(name, [{ id: 'a', type: 'transform', output }]);

function expectEnvelope(res: { status: number; body: any }, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(Object.keys(res.body)).toEqual(['error']);
  expect(Object.keys(res.body.error).sort()).toEqual(['code', 'details', 'message', 'requestId', 'timestamp']);
  expect(res.body.error).toMatchObject({ code, message: expect.any(String), requestId: expect.any(String) });
  expect(Number.isNaN(Date.parse(res.body.error.timestamp))).toBe(false);
}

describe('auth and errors', () => {
  it('refuses a missing or unknown key with 401, and a weaker role with 403', async () => {
    expectEnvelope(await h.api('GET', '/api/v1/workflows', undefined, { key: null }), 401, 'UNAUTHENTICATED');
    expectEnvelope(await h.api('GET', '/api/v1/workflows', undefined, { key: 'nope-nope-nope-nope' }), 401, 'UNAUTHENTICATED');
    expectEnvelope(await h.api('POST', '/api/v1/workflows', simple('viewer-tries'), { key: VIEWER_KEY }), 403, 'FORBIDDEN');
    expect((await h.api('GET', '/api/v1/workflows', undefined, { key: VIEWER_KEY })).status).toBe(200);
    expect((await h.api('POST', '/api/v1/workflows', simple('operator-may'), { key: OPERATOR_KEY })).status).toBe(201);
  });

  it('answers malformed JSON with 400, unknown routes with 404 and oversized bodies with 413, never 5xx', async () => {
    expectEnvelope(await h.api('POST', '/api/v1/runs', undefined, { raw: '{"definition": ', headers: { 'content-type': 'application/json' } }), 400, 'BAD_REQUEST');
    expectEnvelope(await h.api('GET', '/api/v1/nothing-here'), 404, 'NOT_FOUND');
    expectEnvelope(await h.api('GET', '/nothing-here', undefined, { key: null }), 404, 'NOT_FOUND');
    // Past the harness's 5 MiB limit (the default WEFT_MAX_BODY_BYTES).
    const big = 'x'.repeat(6 * 1024 * 1024);
    expectEnvelope(await h.api('POST', '/api/v1/workflows', { big }), 413, 'PAYLOAD_TOO_LARGE');
    expectEnvelope(await h.api('POST', '/api/v1/runs', { nonsense: true }), 400, 'BAD_REQUEST');
    expectEnvelope(await h.api('GET', '/api/v1/runs?limit=-4'), 400, 'BAD_REQUEST');
    expectEnvelope(await h.api('GET', '/api/v1/runs?cursor=garbage'), 400, 'BAD_REQUEST');
  });

  it('echoes a request id into the envelope and the response header', async () => {
    const res = await h.api('GET', '/api/v1/runs/run_missing', undefined, { headers: { 'x-request-id': 'trace-123' } });
    expectEnvelope(res, 404, 'NOT_FOUND');
    expect(res.body.error.requestId).toBe('trace-123');
    expect(res.headers.get('x-request-id')).toBe('trace-123');
  });
});

describe('workflows', () => {
  it('stores versions by content: same content returns the same version (200), new content a new one (201)', async () => {
    const first = await h.api('POST', '/api/v1/workflows', simple('versioned', 'one'));
    expect(first.status).toBe(201);
    expect(first.body).toEqual({ name: 'versioned', version: 1, hash: expect.stringMatching(/^[0-9a-f]{64}$/), warnings: [] });
    const reordered = { nodes: [{ output: 'one', type: 'transform', id: 'a' }], name: 'versioned', apiVersion: 'weft/v1' };
    const same = await h.api('POST', '/api/v1/workflows', reordered);
    expect(same.status).toBe(200);
    expect(same.body).toEqual(first.body);
    const second = await h.api('POST', '/api/v1/workflows', simple('versioned', 'two'));
    expect(second.status).toBe(201);
    expect(second.body.version).toBe(2);

    const latest = await h.api('GET', '/api/v1/workflows/versioned');
    expect(latest.body).toMatchObject({ name: 'versioned', version: 2, definition: { nodes: [{ output: 'two' }] } });
    expect(latest.body.versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);
    const v1 = await h.api('GET', '/api/v1/workflows/versioned/versions/1');
    expect(v1.body).toMatchObject({ version: 1, definition: { nodes: [{ output: 'one' }] } });
    expectEnvelope(await h.api('GET', '/api/v1/workflows/versioned/versions/9'), 404, 'NOT_FOUND');
    expectEnvelope(await h.api('GET', '/api/v1/workflows/ghost'), 404, 'NOT_FOUND');
    const list = await h.api('GET', '/api/v1/workflows');
    expect(list.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'versioned', latestVersion: 2 })]));
  });

  it('draws a stored workflow as a Mermaid flowchart', async () => {
    await h.api('POST', '/api/v1/workflows', definition('drawn', [{ id: 'a', type: 'transform', output: 1 }, { id: 'b', type: 'transform', needs: ['a'], output: 2 }]));
    const res = await fetch(`${h.url}/api/v1/workflows/drawn/diagram?format=mermaid`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/vnd\.mermaid/);
    expect(await res.text()).toBe('flowchart TD\n  a("a · transform")\n  b("b · transform")\n  a --> b\n');
    expectEnvelope(await h.api('GET', '/api/v1/workflows/drawn/diagram?format=svg'), 400, 'BAD_REQUEST');
    expectEnvelope(await h.api('GET', '/api/v1/workflows/drawn/diagram?version=5'), 404, 'NOT_FOUND');
  });

  it('accepts YAML and keeps the text as sent', async () => {
    const yaml = '# reviewed by ops\napiVersion: weft/v1\nname: from-yaml\nnodes:\n  - id: a\n    type: transform\n    output: hi\n';
    const res = await h.api('POST', '/api/v1/workflows', undefined, { raw: yaml, headers: { 'content-type': 'application/yaml' } });
    expect(res.status).toBe(201);
    const stored = await h.repos.workflows.get('from-yaml');
    expect(stored?.source).toBe(yaml);
    const broken = await h.api('POST', '/api/v1/workflows', undefined, { raw: 'name: [unclosed', headers: { 'content-type': 'application/yaml' } });
    expectEnvelope(broken, 400, 'BAD_REQUEST');
  });

  it('refuses an invalid definition with every error and stores nothing', async () => {
    const bad = definition('bad', [
      { id: 'a', type: 'transform', needs: ['a'], output: 1 },
      { id: 'b', type: 'workflow', workflow: 'ghost' },
    ], { input: { type: 'objekt' } });
    const res = await h.api('POST', '/api/v1/workflows', bad);
    expectEnvelope(res, 422, 'VALIDATION_FAILED');
    expect(res.body.error.details.errors.map((e: { code: string; path: string }) => `${e.code} ${e.path}`)).toEqual(
      expect.arrayContaining(['CYCLE /nodes/0/needs', 'UNKNOWN_WORKFLOW /nodes/1/workflow', 'SCHEMA /input']),
    );
    expectEnvelope(await h.api('GET', '/api/v1/workflows/bad'), 404, 'NOT_FOUND');
  });

  it('validates without storing and returns the plan', async () => {
    const res = await h.api('POST', '/api/v1/workflows/validate', definition('check-only', [{ id: 'a', type: 'transform', output: 1 }, { id: 'b', type: 'transform', needs: ['a'], output: 2 }]));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ valid: true, plan: { levels: [['a'], ['b']], sinks: ['b'], maxParallel: 16 } });
    expectEnvelope(await h.api('GET', '/api/v1/workflows/check-only'), 404, 'NOT_FOUND');
    expectEnvelope(await h.api('POST', '/api/v1/workflows/validate', definition('x', [{ id: 'a', type: 'nope' }])), 422, 'VALIDATION_FAILED');
  });

  it('answers a model its vendor deprecated as a warning: valid and stored, and next to the errors of an invalid definition', async () => {
    const old = { id: 'a', type: 'agent', agent: { provider: 'anthropic', model: 'claude-sonnet-4-5', prompt: 'p' } };
    const warning = { code: 'MODEL_DEPRECATED', path: '/nodes/0/agent/model', message: expect.stringMatching(/2026-11-30.*claude-sonnet-5-5/) };
    const checked = await h.api('POST', '/api/v1/workflows/validate', definition('old-model', [old]));
    expect(checked.status).toBe(200);
    expect(checked.body).toMatchObject({ valid: true, warnings: [warning] });
    const stored = await h.api('POST', '/api/v1/workflows', definition('old-model', [old]));
    expect(stored.status).toBe(201);
    expect(stored.body.warnings).toEqual([warning]);
    const invalid = await h.api('POST', '/api/v1/workflows/validate', definition('old-model', [old, { id: 'b', type: 'nope' }]));
    expectEnvelope(invalid, 422, 'VALIDATION_FAILED');
    expect(invalid.body.error.details.warnings).toEqual([warning]);
  });
});

describe('runs', () => {
  it('starts a stored workflow pinned to its version, and reads it back from the database once ended', async () => {
    await h.api('POST', '/api/v1/workflows', simple('pinned', '{{ input.who }}'));
    const started = await h.api('POST', '/api/v1/runs', { workflow: 'pinned', input: { who: 'v1' } });
    expect(started.status).toBe(202);
    expect(started.body).toEqual({ id: expect.stringMatching(/^run_/), status: 'running', workflow: 'pinned', version: 1 });
    // A new version while the run lives changes nothing for it.
    await h.api('POST', '/api/v1/workflows', simple('pinned', 'changed'));
    const run = await h.finished(started.body.id);
    expect(run).toMatchObject({ status: 'succeeded', workflow: 'pinned', version: 1, output: { a: 'v1' }, input: { who: 'v1' } });
    const row = await h.repos.runs.get(started.body.id);
    expect(row).toMatchObject({ status: 'succeeded', workflowVersion: 1 });
    const older = await h.api('POST', '/api/v1/runs', { workflow: 'pinned', version: 1, input: { who: 'again' } });
    expect((await h.finished(older.body.id)).output).toEqual({ a: 'again' });
    expectEnvelope(await h.api('POST', '/api/v1/runs', { workflow: 'pinned', version: 7 }), 404, 'NOT_FOUND');
    await h.recordHistory('stored-workflow', started.body.id);
  });

  it('checks input against the JSON Schema before starting anything', async () => {
    const withSchema = definition('typed', [{ id: 'a', type: 'transform', output: '{{ input.n }}' }], {
      input: { type: 'object', required: ['n'], properties: { n: { type: 'integer', minimum: 1 } } },
    });
    const before = (await h.repos.runs.list({ limit: 1000 })).length;
    const res = await h.api('POST', '/api/v1/runs', { definition: withSchema, input: { n: 'three' } });
    expectEnvelope(res, 422, 'INPUT_INVALID');
    expect(res.body.error.details.errors[0]).toMatchObject({ path: '/n' });
    expect((await h.repos.runs.list({ limit: 1000 })).length).toBe(before);
    const ok = await h.api('POST', '/api/v1/runs', { definition: withSchema, input: { n: 3 } });
    expect((await h.finished(ok.body.id)).output).toEqual({ a: 3 });
  });

  it('returns the same run for the same idempotency key', async () => {
    const body = { definition: simple('idem'), idempotencyKey: 'order-42' };
    const [a, b] = await Promise.all([h.api('POST', '/api/v1/runs', body), h.api('POST', '/api/v1/runs', body)]);
    expect(a.status).toBe(202);
    expect(b.body.id).toBe(a.body.id);
    const c = await h.api('POST', '/api/v1/runs', body);
    expect(c.body.id).toBe(a.body.id);
    await h.finished(a.body.id);
  });

  it('lists runs newest first with filters and a cursor', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await h.api('POST', '/api/v1/runs', { definition: simple('listed') })).body.id);
    await Promise.all(ids.map((id) => h.finished(id)));
    const first = await h.api('GET', '/api/v1/runs?workflow=listed&limit=2');
    expect(first.body.items.map((r: { id: string }) => r.id)).toEqual([ids[2], ids[1]]);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    // A listed run is the run's own summary, its times to the millisecond (the list formats them in SQL, a run in JavaScript).
    const { id, workflow, version, status, degraded, costUsd, priority, startedAt, endedAt, trigger } = (await h.api('GET', `/api/v1/runs/${ids[2]}`)).body;
    expect(first.body.items[0]).toEqual({ id, workflow, version, status, degraded, costUsd, priority, startedAt, endedAt, trigger });
    const second = await h.api('GET', `/api/v1/runs?workflow=listed&limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body).toEqual({ items: [expect.objectContaining({ id: ids[0], status: 'succeeded' })], nextCursor: null });
    const failed = await h.api('GET', '/api/v1/runs?workflow=listed&status=failed');
    expect(failed.body.items).toEqual([]);
  });

  it('pages through runs started within one millisecond without skipping any (the cursor keeps microseconds)', async () => {
    // Ids descending against start times, so that (startedAt, id) order differs from id order alone.
    const starts = ['2026-01-01 00:00:00.123900+00', '2026-01-01 00:00:00.123456+00', '2026-01-01 00:00:00.123100+00', '2026-01-01 00:00:00.123000+00'];
    for (const [i, at] of starts.entries()) {
      await h.database.db.execute(sql`insert into runs (id, workflow_name, status, input, started_at) values (${`run_samems${i}`}, 'same-ms', 'succeeded', '{}'::jsonb, ${at}::timestamptz)`);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: { id: string }[]; nextCursor: string | null } } = await h.api('GET', `/api/v1/runs?workflow=same-ms&limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.body.items.map((r) => r.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['run_samems0', 'run_samems1', 'run_samems2', 'run_samems3']);
    // A cursor whose time is not one the API wrote is refused before it reaches a query.
    for (const time of ["2026-01-01'; drop table runs; --", '2026-02-30T00:00:00.000000Z', '2026-01-01 00:00:00.123+00']) {
      const forged = Buffer.from(JSON.stringify([time, 'x'])).toString('base64url');
      expectEnvelope(await h.api('GET', `/api/v1/runs?cursor=${forged}`), 400, 'BAD_REQUEST');
    }
  });

  it('writes an audit record for every mutation', async () => {
    const res = await h.api('POST', '/api/v1/runs', { definition: simple('audited') }, { key: OPERATOR_KEY, headers: { 'x-request-id': 'audit-me' } });
    await h.finished(res.body.id);
    const rows = await h.database.db.query.auditLog.findMany();
    expect(rows).toEqual(expect.arrayContaining([expect.objectContaining({ action: 'run.start', target: res.body.id, requestId: 'audit-me' })]));
  });
});

describe('health', () => {
  it('serves /health, /ready and the OpenAPI document without auth', async () => {
    expect((await h.api('GET', '/health', undefined, { key: null })).body).toEqual({ status: 'ok' });
    const ready = await h.api('GET', '/ready', undefined, { key: null });
    expect(ready.body).toEqual({ status: 'ready', checks: { database: 'ok', temporal: 'ok' } });
    const doc = await h.api('GET', '/api/v1/openapi.json', undefined, { key: null });
    expect(doc.body.openapi).toBe('3.1.0');
    expect(doc.body.components.schemas.Definition.properties.nodes).toBeDefined();
  });
});

describe('plugins (contract section 9)', () => {
  it('GET /plugins lists the loaded plugins for a viewer, config as JSON Schema', async () => {
    const res = await h.api('GET', '/api/v1/plugins', undefined, { key: VIEWER_KEY });
    expect(res.status).toBe(200);
    expect(res.body.items.map((p: { name: string }) => p.name)).toEqual(['slack', 'github']);
    expect(res.body.items[0]).toMatchObject({ version: '1.0.0', hooks: [], nodeTypes: [{ type: 'slack.post', description: expect.any(String), configSchema: { type: 'object', required: ['text'] } }] });
    expect((await h.api('GET', '/api/v1/plugins', undefined, { key: null })).status).toBe(401);
  });

  it('validates plugin nodes against the loaded plugins and documents them in OpenAPI', async () => {
    const good = definition('plugin-ok', [{ id: 'post', type: 'slack.post', config: { text: 'hi', webhook: '{{ secrets.TEAM_HOOK }}' } }]);
    expect((await h.api('POST', '/api/v1/workflows/validate', good)).status).toBe(200);
    const bad = await h.api('POST', '/api/v1/workflows', definition('plugin-bad', [{ id: 'a', type: 'github.issue', config: { owner: 'o', repo: 'r' } }, { id: 'b', type: 'jira.create' }]));
    expectEnvelope(bad, 422, 'VALIDATION_FAILED');
    expect(bad.body.error.details.errors.map((e: { code: string; path: string }) => `${e.code} ${e.path}`)).toEqual(['SCHEMA /nodes/0/config', 'UNKNOWN_TYPE /nodes/1/type']);
    const doc = (await h.api('GET', '/api/v1/openapi.json', undefined, { key: null })).body;
    const nodeTypes = doc.components.schemas.Definition.properties.nodes.items.anyOf.map((n: any) => n.properties.type.const);
    expect(nodeTypes).toEqual(expect.arrayContaining(['agent', 'slack.post', 'github.issue', 'github.comment']));
    expect(doc.paths['/plugins']).toBeDefined();
  });
});

describe('bad input found by schemathesis', () => {
  it('answers a version past PostgreSQL integers with 400, not 500', async () => {
    expectEnvelope(await h.api('GET', '/api/v1/workflows/x/versions/9007199254740990'), 400, 'BAD_REQUEST');
    expectEnvelope(await h.api('GET', '/api/v1/workflows/x/diagram?version=9007199254740990'), 400, 'BAD_REQUEST');
    expectEnvelope(await h.api('POST', '/api/v1/runs', { workflow: 'x', version: 9007199254740990 }), 400, 'BAD_REQUEST');
  });
});

describe('OpenAPI document', () => {
  it('describes every response this file received: status, media type and body', async () => {
    expect(await expectResponsesMatchDocument(h)).toBeGreaterThan(40);
  });
});
