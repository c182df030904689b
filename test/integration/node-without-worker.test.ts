import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentNode, createHarness, definition, type Harness } from '../support/harness.js';

/**
 * `GET /runs/{id}/nodes/{nodeId}` while no worker answers the run's query:
 * the definition names the run's nodes, so one it does not name is 404; when
 * that definition is no longer stored either, whether the node exists is not
 * known, so 503, not 404.
 */
let h: Harness;
beforeAll(async () => {
  h = await createHarness({ withoutWorker: true });
});
afterAll(async () => {
  await h?.close();
});

describe('a node of a run whose workflow does not answer', () => {
  it('is pending when the definition names it, and 404 when it names no such node', async () => {
    const started = await h.api('POST', '/api/v1/runs', { definition: definition('no-worker-node', [agentNode('a', { text: 'answer' })]) });
    expect(started.status).toBe(202);
    const named = await h.api('GET', `/api/v1/runs/${started.body.id}/nodes/a`);
    expect(named.status).toBe(200);
    expect(named.body).toMatchObject({ id: 'a', runId: started.body.id, status: 'pending', attempts: [] });
    expect((await h.api('GET', `/api/v1/runs/${started.body.id}/nodes/b`)).status).toBe(404);
  }, 30_000);

  it('is 503 UNAVAILABLE with Retry-After when the definition is no longer stored', async () => {
    expect((await h.api('POST', '/api/v1/workflows', definition('gone-definition', [agentNode('a', { text: 'answer' })]))).status).toBe(201);
    const started = await h.api('POST', '/api/v1/runs', { workflow: 'gone-definition' });
    expect(started.status).toBe(202);
    // No API removes a stored version; an operator's hand in the database can.
    await h.database.db.execute(sql`delete from workflow_versions where name = 'gone-definition'`);
    const res = await h.api('GET', `/api/v1/runs/${started.body.id}/nodes/a`);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(res.body).toMatchObject({ error: { code: 'UNAVAILABLE' } });
  }, 30_000);
});
