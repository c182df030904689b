import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentNode, createHarness, definition, type Harness } from '../support/harness.js';

/**
 * The API the studio needs (weft-ops §12): saving on a base version (409
 * CONFLICT when another version was saved since), the estimate of a draft,
 * and the definition a run is pinned to, ad-hoc runs included.
 */
let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('POST /workflows?baseVersion=', () => {
  it('stores on the latest version, refuses a stale base with 409 CONFLICT, and takes 0 for a new workflow only', async () => {
    const v1 = definition('studio-base', [agentNode('a', { text: 'one' })]);
    expect((await h.api('POST', '/api/v1/workflows?baseVersion=0', v1)).status).toBe(201);
    expect((await h.api('POST', '/api/v1/workflows?baseVersion=0', definition('studio-base', [agentNode('a', { text: 'zero' })]))).body.error).toMatchObject({ code: 'CONFLICT', details: { baseVersion: 0, latestVersion: 1 } });
    const v2 = await h.api('POST', '/api/v1/workflows?baseVersion=1', definition('studio-base', [agentNode('a', { text: 'two' })]));
    expect(v2.status).toBe(201);
    expect(v2.body.version).toBe(2);
    // Someone else's draft, based on v1, would overwrite v2: refused, and nothing stored.
    const stale = await h.api('POST', '/api/v1/workflows?baseVersion=1', definition('studio-base', [agentNode('a', { text: 'three' })]));
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({ code: 'CONFLICT', details: { baseVersion: 1, latestVersion: 2 } });
    expect((await h.api('GET', '/api/v1/workflows/studio-base')).body.version).toBe(2);
    // The same content as the latest loses nothing: it answers that version.
    expect((await h.api('POST', '/api/v1/workflows?baseVersion=1', definition('studio-base', [agentNode('a', { text: 'two' })]))).status).toBe(200);
    expect((await h.api('POST', '/api/v1/workflows?baseVersion=x', v1)).status).toBe(400);
  });
});

describe('drafts and runs', () => {
  it('estimates a draft that is not stored, from its YAML text', async () => {
    const yaml = 'apiVersion: weft/v1\nname: studio-draft\nnodes:\n  - id: a\n    type: agent\n    agent: {provider: anthropic, model: claude-sonnet-4-5, prompt: "{{ input.text }}", maxTokens: 1000}\n';
    const res = await h.api('POST', '/api/v1/workflows/estimate', { definition: yaml, input: { text: 'x'.repeat(400) } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ basis: 'prompt-size', minUsd: 0.0018, maxUsd: 0.0153 });
    expect((await h.api('POST', '/api/v1/workflows/estimate', { definition: { apiVersion: 'weft/v1', name: 'x', nodes: [] } })).status).toBe(422);
  });

  it('answers the definition a run is pinned to: an ad-hoc one, and a stored version', async () => {
    const adHoc = definition('studio-adhoc', [agentNode('a', { text: 'x' }), { id: 'gate', type: 'approval', needs: ['a'] }]);
    const id = await h.startRun(adHoc);
    const res = await h.api('GET', `/api/v1/runs/${id}/definition`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ workflow: 'studio-adhoc', version: null, definition: { nodes: [{ id: 'a' }, { id: 'gate', type: 'approval', needs: ['a'] }] } });
    await h.api('POST', '/api/v1/workflows', definition('studio-stored', [agentNode('a', { text: 'x' })]));
    const started = await h.api('POST', '/api/v1/runs', { workflow: 'studio-stored' });
    const stored = await h.api('GET', `/api/v1/runs/${started.body.id}/definition`);
    expect(stored.body).toMatchObject({ workflow: 'studio-stored', version: 1, definition: { name: 'studio-stored' } });
    expect((await h.api('GET', '/api/v1/runs/nope/definition')).status).toBe(404);
  });
});
