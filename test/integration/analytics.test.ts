import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentNode, createHarness, definition, VIEWER_KEY, type Harness } from '../support/harness.js';
import { expectResponsesMatchDocument } from '../support/openapi-conformance.js';

/** Analytics (weft-ops §7) over real runs: summary, per-workflow, costs and critical paths, each figure checked against the stored rows. */
let h: Harness;
const ids: Record<string, string> = {};

const agent = (id: string, model: string | null, mock: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  id,
  type: 'agent',
  agent: { provider: 'offline', prompt: `prompt of ${id}`, ...(model ? { model } : {}), mock },
  ...extra,
});

beforeAll(async () => {
  h = await createHarness();
  const chain = definition('chain', [
    agent('a', 'offline-small', { text: 'a', delay: '300ms', costUsd: 0.01, usage: { inputTokens: 100, outputTokens: 50 } }),
    agent('b', 'offline-big', { text: 'b', delay: '1s', costUsd: 0.1, usage: { inputTokens: 200, outputTokens: 80 } }, { needs: ['a'] }),
    { id: 'c', type: 'transform', needs: ['b'], output: 'c' },
    { id: 'd', type: 'transform', output: 'd' },
  ]);
  // One node at a time: y is ready at once but waits for x.
  const narrow = definition('narrow', [agent('x', null, { text: 'x', delay: '1s', costUsd: 0.02 }), agent('y', null, { text: 'y', delay: '1s', costUsd: 0.02 }), { id: 'z', type: 'transform', needs: ['x', 'y'], output: 'z' }], { limits: { maxParallel: 1 } });
  for (const d of [chain, narrow]) expect((await h.api('POST', '/api/v1/workflows', d)).status).toBe(201);
  const started = await Promise.all(['chain', 'narrow'].map((workflow) => h.api('POST', '/api/v1/runs', { workflow })));
  ids.chain = started[0]!.body.id;
  ids.narrow = started[1]!.body.id;
  ids.brittle = await h.startRun(definition('brittle', [agentNode('flop', { failAlways: true }, { retry: { maxAttempts: 1 } })]));
  await Promise.all(Object.values(ids).map((id) => h.finished(id)));
});

afterAll(async () => {
  await h?.close();
});

const get = (path: string) => h.api('GET', `/api/v1${path}`, undefined, { key: VIEWER_KEY });
const today = new Date().toISOString().slice(0, 10);

describe('GET /analytics/summary', () => {
  it('counts runs by outcome with duration percentiles, cost, tokens and days, for one workflow or all', async () => {
    const chainRun = (await get(`/runs/${ids.chain}`)).body;
    const res = await get('/analytics/summary?workflow=chain');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ runs: { total: 1, succeeded: 1, failed: 0, cancelled: 0, timedOut: 0 }, successRate: 1, tokens: { input: 300, output: 130 } });
    expect(res.body.costUsd).toBeCloseTo(chainRun.costUsd);
    // The database keeps microseconds; the API's times are to the millisecond.
    expect(Math.abs(res.body.durationMs.p50 - (Date.parse(chainRun.endedAt) - Date.parse(chainRun.startedAt)))).toBeLessThan(1);
    expect(res.body.byDay).toEqual([{ day: today, runs: 1, failed: 0, costUsd: res.body.costUsd }]);

    const all = await get('/analytics/summary');
    expect(all.body.runs).toEqual({ total: 3, succeeded: 2, failed: 1, cancelled: 0, timedOut: 0 });
    expect(all.body.successRate).toBeCloseTo(2 / 3);
    expect(all.body.durationMs.p95).toBeGreaterThanOrEqual(all.body.durationMs.p50);

    const empty = await get('/analytics/summary?since=1999-01-01T00:00:00Z&until=2000-01-01T00:00:00Z');
    expect(empty.body).toMatchObject({ runs: { total: 0 }, successRate: null, durationMs: { p50: null, p95: null }, costUsd: 0, byDay: [] });
  });

  it('answers an empty summary for a since in the future when until is not given (it defaults to now)', async () => {
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString();
    const res = await get(`/analytics/summary?since=${tomorrow}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ since: tomorrow, until: tomorrow, runs: { total: 0 }, successRate: null, costUsd: 0, byDay: [] });
    const instant = await get(`/analytics/summary?since=${tomorrow}&until=${tomorrow}`);
    expect(instant.body).toMatchObject({ runs: { total: 0 }, byDay: [] });
  });

  it('refuses a bad window with 400, and callers without a key with 401', async () => {
    expect((await get('/analytics/summary?since=yesterday')).body.error.code).toBe('BAD_REQUEST');
    const backwards = await get('/analytics/summary?since=2100-01-01T00:00:00Z&until=2000-01-01T00:00:00Z');
    expect(backwards.status).toBe(400);
    expect(backwards.body.error).toMatchObject({ code: 'BAD_REQUEST', message: 'since must not be after until' });
    expect((await get('/analytics/summary?workflow=Bad%20Name')).body.error.code).toBe('BAD_REQUEST');
    expect((await h.api('GET', '/api/v1/analytics/summary', undefined, { key: null })).status).toBe(401);
  });
});

describe('GET /analytics/workflows/{name}', () => {
  it('describes each node: executions, success, attempts, cost, durations and its share of critical paths', async () => {
    const res = await get('/analytics/workflows/chain');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ workflow: 'chain', runs: 1, successRate: 1, nextCursor: null });
    const nodes = Object.fromEntries(res.body.nodes.map((n: { id: string }) => [n.id, n]));
    expect(Object.keys(nodes).sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(nodes.b).toMatchObject({ type: 'agent', executions: 1, successRate: 1, attemptsMean: 1, retries: 0, fallbacks: 0, cacheHitRate: 0, costUsd: { total: 0.1, mean: 0.1 }, onCriticalPath: 1 });
    expect(nodes.b.durationMs.p95).toBeGreaterThanOrEqual(1000);
    expect(nodes.d).toMatchObject({ type: 'transform', onCriticalPath: 0 });

    const first = await get('/analytics/workflows/chain?limit=3');
    expect(first.body.nodes.map((n: { id: string }) => n.id)).toEqual(['a', 'b', 'c']);
    const second = await get(`/analytics/workflows/chain?limit=3&cursor=${first.body.nextCursor}`);
    expect(second.body).toMatchObject({ nodes: [{ id: 'd' }], nextCursor: null });
  });

  it('answers 404 for a workflow never stored or run, and 400 for a bad cursor', async () => {
    expect((await get('/analytics/workflows/ghost')).body.error.code).toBe('NOT_FOUND');
    expect((await get('/analytics/workflows/chain?cursor=nope')).body.error.code).toBe('BAD_REQUEST');
  });
});

describe('GET /analytics/costs', () => {
  it('groups attempt costs and tokens by workflow, node, model, provider and day, costliest first', async () => {
    const byWorkflow = (await get('/analytics/costs?groupBy=workflow')).body.items;
    expect(byWorkflow.map((i: { key: string }) => i.key)).toEqual(['chain', 'narrow', 'brittle']);
    expect(byWorkflow[0]).toEqual({ key: 'chain', costUsd: expect.closeTo(0.11), inputTokens: 300, outputTokens: 130, runs: 1 });
    expect(byWorkflow[2]).toMatchObject({ key: 'brittle', costUsd: 0, runs: 1 });
    const byModel = (await get('/analytics/costs?groupBy=model')).body.items;
    expect(byModel).toEqual([expect.objectContaining({ key: 'offline-big', costUsd: 0.1 }), expect.objectContaining({ key: 'offline-small', costUsd: 0.01 })]);
    expect((await get('/analytics/costs?groupBy=provider')).body.items).toEqual([{ key: 'offline', costUsd: expect.closeTo(0.15), inputTokens: expect.any(Number), outputTokens: expect.any(Number), runs: 2 }]);
    expect((await get('/analytics/costs?groupBy=day')).body.items).toEqual([expect.objectContaining({ key: today, costUsd: expect.closeTo(0.15), runs: 3 })]);

    const page = await get('/analytics/costs?groupBy=node&limit=1');
    expect(page.body.items).toEqual([expect.objectContaining({ key: 'chain/b', costUsd: 0.1 })]);
    const next = await get(`/analytics/costs?groupBy=node&limit=1&cursor=${page.body.nextCursor}`);
    expect(next.body.items[0].key).not.toBe('chain/b');
    expect((await get('/analytics/costs?groupBy=colour')).body.error.code).toBe('BAD_REQUEST');
  });
});

describe('GET /runs/{id}/critical-path', () => {
  it('follows the needs that ended last back from the last node', async () => {
    const res = await get(`/runs/${ids.chain}/critical-path`);
    expect(res.status).toBe(200);
    expect(res.body.nodes.map((n: { id: string }) => n.id)).toEqual(['a', 'b', 'c']);
    const [a, b] = res.body.nodes;
    expect(b.durationMs).toBeGreaterThanOrEqual(1000);
    expect(b.startedAt >= a.endedAt).toBe(true);
    expect(a.waitedMs + b.waitedMs).toBeLessThan(500);
    expect(res.body.totalMs).toBeGreaterThanOrEqual(a.durationMs + b.durationMs);
  });

  it('shows the time a ready node was held back by maxParallel', async () => {
    const res = await get(`/runs/${ids.narrow}/critical-path`);
    expect(res.body.nodes.map((n: { id: string }) => n.id)).toEqual(['y', 'z']);
    expect(res.body.nodes[0].waitedMs).toBeGreaterThanOrEqual(900);
  });

  it('answers 404 for an unknown run and 409 while a run lives', async () => {
    expect((await get('/runs/run_nope/critical-path')).body.error.code).toBe('NOT_FOUND');
    const live = await h.startRun(definition('long', [agentNode('wait', { delay: '30s' })]));
    expect((await get(`/runs/${live}/critical-path`)).body.error.code).toBe('CONFLICT');
    await h.api('POST', `/api/v1/runs/${live}/cancel`);
    await h.finished(live);
  });
});

describe('OpenAPI routes', () => {
  it('documents the analytics, budget and re-run routes with their schemas', async () => {
    const doc = (await h.api('GET', '/api/v1/openapi.json', undefined, { key: null })).body;
    for (const path of ['/analytics/summary', '/analytics/workflows/{name}', '/analytics/costs', '/analytics/recommendations', '/runs/{id}/critical-path', '/runs/{id}/rerun', '/budgets', '/budgets/{workflow}']) expect(doc.paths[path]).toBeDefined();
    const json = (op: { content: Record<string, { schema: any }> }) => op.content['application/json']!.schema;
    expect(json(doc.paths['/analytics/recommendations'].get.responses['200']).properties.items.items.properties.kind.enum).toContain('budget_pressure');
    expect(json(doc.paths['/budgets/{workflow}'].put.requestBody).required).toEqual(['period', 'limitUsd']);
    expect(doc.paths['/budgets/{workflow}'].put['x-weft-role']).toBe('admin');
    expect(doc.paths['/runs/{id}/rerun'].post['x-weft-role']).toBe('operator');
    expect(doc.paths['/analytics/summary'].get['x-weft-role']).toBe('viewer');
    // The window's 400 is the documented one, with its meaning.
    expect(doc.paths['/analytics/summary'].get.responses['400'].description).toContain('since must not be after until');
    // BUDGET_EXCEEDED is one of the 409s of starting and re-running a run.
    for (const [path, method] of [['/runs', 'post'], ['/runs/{id}/rerun', 'post']] as const) expect(json(doc.paths[path][method].responses['409']).properties.error.properties.code.enum).toContain('BUDGET_EXCEEDED');
  });
});

describe('OpenAPI document', () => {
  it('describes every response this file received: status, media type and body', async () => {
    expect(await expectResponsesMatchDocument(h)).toBeGreaterThan(10);
  });
});
