import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentNode, createHarness, definition, VIEWER_KEY, type Harness } from '../support/harness.js';
import { expectResponsesMatchDocument } from '../support/openapi-conformance.js';

/** Re-run from failure (weft-ops §6) and run triggers (§5), over the real worker, Temporal and PostgreSQL. */
let h: Harness;
let server: Server;
/** What the gate answers: the test opens it between the first run and its re-run. */
let gateOpen = false;

beforeAll(async () => {
  server = createServer((_req, res) => {
    res.writeHead(gateOpen ? 200 : 500, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok: gateOpen }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  h = await createHarness({ workerEnv: { WEFT_HTTP_ALLOW_PRIVATE: '1' } });
  const port = (server.address() as { port: number }).port;
  // a → b → gate → after, and alone: the gate (3rd node) fails while the server answers 500.
  const res = await h.api('POST', '/api/v1/workflows', definition('gated', [
    agentNode('a', { text: 'from a' }),
    agentNode('b', { text: 'from b' }, { needs: ['a'] }),
    { id: 'gate', type: 'http', needs: ['b'], retry: { maxAttempts: 1 }, request: { url: `http://127.0.0.1:${port}/gate` } },
    { id: 'after', type: 'transform', needs: ['gate'], output: '{{ nodes.gate.output.body.ok }}' },
    { id: 'alone', type: 'transform', output: 'alone' },
  ]));
  expect(res.status).toBe(201);
});

afterAll(async () => {
  await h?.close();
  await new Promise<void>((resolve) => server?.close(() => resolve()));
});

async function attemptNodes(runId: string): Promise<string[]> {
  return [...new Set((await h.repos.nodeExecutions.list(runId)).map((r) => r.nodeId))].sort();
}

describe('re-run from failure', () => {
  let failedId = '';
  let rerunId = '';

  it('re-runs the failed node and its descendants; the rest keep their output without running, at no cost', async () => {
    gateOpen = false;
    const started = await h.api('POST', '/api/v1/runs', { workflow: 'gated' });
    failedId = started.body.id;
    const failed = await h.finished(failedId);
    expect(failed.status).toBe('failed');
    expect(failed.nodes.gate!.status).toBe('failed');
    expect(failed.nodes.a!.costUsd).toBeGreaterThan(0);

    gateOpen = true;
    const res = await h.api('POST', `/api/v1/runs/${failedId}/rerun`, {});
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ id: expect.stringMatching(/^run_/), status: 'running', workflow: 'gated', version: 1, rerunOf: failedId });
    rerunId = res.body.id;
    const rerun = await h.finished(rerunId);
    expect(rerun.status).toBe('succeeded');
    for (const id of ['a', 'b', 'alone']) {
      expect(rerun.nodes[id]).toMatchObject({ status: 'succeeded', reused: true, reusedFrom: failedId, costUsd: 0, attempts: 0 });
      expect(rerun.nodes[id]!.output).toEqual(failed.nodes[id]!.output);
    }
    expect(rerun.nodes.gate).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(rerun.nodes.gate!.reused).toBeUndefined();
    expect(rerun.nodes.after!.output).toBe(true);
    expect(rerun.costUsd).toBe(0);
    // No activity ran for the reused nodes: they have no attempt rows in the new run.
    expect(await attemptNodes(rerunId)).toEqual(['after', 'gate']);
    const node = await h.api('GET', `/api/v1/runs/${rerunId}/nodes/a`);
    expect(node.body).toMatchObject({ id: 'a', status: 'succeeded', reused: true, reusedFrom: failedId, costUsd: 0, attempts: [] });
  });

  it('records what started each run: the API key, or the run re-run', async () => {
    const source = await h.api('GET', `/api/v1/runs/${failedId}`);
    expect(source.body.trigger).toEqual({ type: 'api', keyId: expect.any(String) });
    expect((await h.api('GET', `/api/v1/runs/${rerunId}`)).body.trigger).toEqual({ type: 'rerun', runId: failedId });
    const list = await h.api('GET', '/api/v1/runs?workflow=gated');
    const byId = new Map(list.body.items.map((r: { id: string; trigger: unknown }) => [r.id, r.trigger]));
    expect(byId.get(rerunId)).toEqual({ type: 'rerun', runId: failedId });
    expect(byId.get(failedId)).toEqual(source.body.trigger);
  });

  it('re-runs from a named node: that node and its descendants run again, even though they succeeded', async () => {
    const res = await h.api('POST', `/api/v1/runs/${rerunId}/rerun`, { from: 'b' });
    expect(res.status).toBe(202);
    const run = await h.finished(res.body.id);
    expect(run.status).toBe('succeeded');
    expect(run.nodes.a).toMatchObject({ reused: true, reusedFrom: rerunId });
    expect(run.nodes.b!.reused).toBeUndefined();
    expect(run.nodes.b!.costUsd).toBeGreaterThan(0);
    expect(await attemptNodes(res.body.id)).toEqual(['after', 'b', 'gate']);
  });

  it('refuses a live run with 409 CONFLICT, and bad requests with a coded 4xx, starting nothing', async () => {
    const live = await h.api('POST', '/api/v1/runs', { definition: definition('slow', [agentNode('wait', { text: 'x', delay: '30s' })]) });
    const before = (await h.repos.runs.list({ limit: 1000 })).length;
    const conflict = await h.api('POST', `/api/v1/runs/${live.body.id}/rerun`, {});
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.code).toBe('CONFLICT');
    expect((await h.api('POST', `/api/v1/runs/${failedId}/rerun`, { from: 'ghost' })).body.error.code).toBe('NOT_FOUND');
    expect((await h.api('POST', `/api/v1/runs/run_nothing/rerun`, {})).body.error.code).toBe('NOT_FOUND');
    expect((await h.api('POST', `/api/v1/runs/${failedId}/rerun`, { from: '9 bad' })).body.error.code).toBe('BAD_REQUEST');
    expect((await h.api('POST', `/api/v1/runs/${failedId}/rerun`, { form: 'failed' })).body.error.code).toBe('BAD_REQUEST');
    expect((await h.api('POST', `/api/v1/runs/${failedId}/rerun`, {}, { key: VIEWER_KEY })).status).toBe(403);
    expect((await h.repos.runs.list({ limit: 1000 })).length).toBe(before);
    await h.api('POST', `/api/v1/runs/${live.body.id}/cancel`);
    await h.finished(live.body.id);
  });
});

describe('OpenAPI document', () => {
  it('describes every response this file received: status, media type and body', async () => {
    expect(await expectResponsesMatchDocument(h)).toBeGreaterThan(8);
  });
});
