import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentNode, createHarness, definition, type Harness } from '../support/harness.js';

/** `GET /runs/{id}/nodes/{nodeId}` and `POST /workflows/{name}/estimate`. */
let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('node records', () => {
  it('returns the node with every attempt and its conversation', async () => {
    const run = await h.run(
      definition('node-view', [agentNode('a', { text: 'answer', failTimes: 1 }, { retry: { maxAttempts: 2, initialInterval: '10ms' }, agent: { provider: 'offline', role: 'analyst', prompt: 'look at this', mock: { text: 'answer', failTimes: 1 } } })]),
    );
    const res = await h.api('GET', `/api/v1/runs/${run.id}/nodes/a`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: 'a', runId: run.id, status: 'succeeded', attempts: expect.any(Array) });
    const [first, second] = res.body.attempts;
    expect(first).toMatchObject({ attempt: 1, status: 'failed', error: { type: 'MockFailure' }, detail: { prompt: 'look at this', system: expect.stringContaining('careful analyst') } });
    expect(second).toMatchObject({ attempt: 2, status: 'succeeded', output: { text: 'answer' }, detail: { response: 'answer', latencyMs: expect.any(Number), usage: { inputTokens: expect.any(Number) } } });
    expect((await h.api('GET', `/api/v1/runs/${run.id}/nodes/nope`)).status).toBe(404);
  });
});

describe('cost estimates', () => {
  it('estimates from prompt sizes at list price when there is no history', async () => {
    const prompt = 'x'.repeat(400); // 100 tokens
    await h.api('POST', '/api/v1/workflows', definition('estimate-me', [{ id: 'a', type: 'agent', agent: { provider: 'anthropic', model: 'claude-sonnet-4-5', prompt, maxTokens: 1_000 } }, { id: 't', type: 'transform', output: 1 }]));
    const res = await h.api('POST', '/api/v1/workflows/estimate-me/estimate', {});
    expect(res.status).toBe(200);
    // 100 in at $3/M; between 100 and 1,000 out at $15/M.
    expect(res.body).toMatchObject({ basis: 'prompt-size', minUsd: 0.0018, maxUsd: 0.0153, unpriced: [] });
  });

  it('uses the costs of earlier runs once there are some, and resolves templates over the input', async () => {
    const def = definition('estimate-history', [{ id: 'a', type: 'agent', agent: { provider: 'offline', prompt: '{{ input.text }}' } }]);
    await h.api('POST', '/api/v1/workflows', def);
    const before = await h.api('POST', '/api/v1/workflows/estimate-history/estimate', { input: { text: 'y'.repeat(4_000) } });
    expect(before.body).toMatchObject({ basis: 'prompt-size', minUsd: (1_000 + 100) / 1e6 });
    for (const text of ['short', 'a much longer prompt than the other one']) {
      const started = await h.api('POST', '/api/v1/runs', { workflow: 'estimate-history', input: { text } });
      await h.finished(started.body.id);
    }
    const after = await h.api('POST', '/api/v1/workflows/estimate-history/estimate', {});
    const costs = [(2 + 2) / 1e6, (10 + 10) / 1e6];
    expect(after.body.basis).toBe('history');
    expect(after.body.minUsd).toBeCloseTo(costs[0]!, 12);
    expect(after.body.maxUsd).toBeCloseTo(costs[1]!, 12);
    expect((await h.api('POST', '/api/v1/workflows/ghost/estimate', {})).status).toBe(404);
  });
});
