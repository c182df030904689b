import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { agentNode, createHarness, definition, type Harness } from '../support/harness.js';
import { waitFor } from '../support/processes.js';
import { WEFT_STATUS } from '../../src/workflows/search-attributes.js';

/**
 * Contract 3.5: a database outage loses nothing. The run goes on while PostgreSQL
 * refuses connections; the API says 503; once the database is back, every
 * record reaches it.
 */
let h: Harness;
let admin: postgres.Sql;
let dbName: string;

beforeAll(async () => {
  h = await createHarness();
  admin = postgres(inject('postgresUrl'), { max: 1, onnotice: () => {} });
  dbName = new URL(h.databaseUrl).pathname.slice(1);
});
afterAll(async () => {
  await admin?.unsafe(`alter database ${dbName} allow_connections true`);
  await admin?.end();
  await h?.close();
});

async function cutDatabase(): Promise<void> {
  await admin.unsafe(`alter database ${dbName} allow_connections false`);
  await admin`select pg_terminate_backend(pid) from pg_stat_activity where datname = ${dbName}`;
}

describe('database outage', () => {
  it('the run finishes without the database; its records arrive once the database is back', async () => {
    const id = await h.startRun(
      definition('outage', [agentNode('a', { text: 'A', delay: '1s' }), { id: 'b', type: 'transform', needs: ['a'], output: '{{ nodes.a.output.text }}!' }]),
    );
    await cutDatabase();

    // The run has reached its end (its WeftStatus says so) but stays open: its
    // final write (a local activity) keeps retrying until the database answers.
    await waitFor(async () => {
      const description = await h.handle(id).describe();
      return description.typedSearchAttributes.get(WEFT_STATUS) === 'succeeded' && description.status.name === 'RUNNING' ? true : undefined;
    }, 'the run to wait on its final write');
    const ready = await h.api('GET', '/ready', undefined, { key: null });
    expect(ready.status).toBe(503);
    expect(ready.body.error.details.checks.database).toMatch(/^down/);
    const read = await h.api('GET', `/api/v1/runs/${id}`);
    expect(read.status).toBe(503);
    expect(read.body.error.code).toBe('UNAVAILABLE');
    expect(read.headers.get('retry-after')).toBe('5');

    await admin.unsafe(`alter database ${dbName} allow_connections true`);
    const result = await h.handle(id).result();
    expect(result).toMatchObject({ status: 'succeeded', output: { b: 'A!' } });
    const run = await h.repos.runs.get(id);
    expect(run).toMatchObject({ status: 'succeeded', output: { b: 'A!' } });
    const rows = await h.repos.nodeExecutions.list(id);
    expect(rows.map((r) => [r.nodeId, r.attempt, r.status])).toEqual([
      ['a', 1, 'succeeded'],
      ['b', 1, 'succeeded'],
    ]);
    expect((await h.api('GET', '/ready', undefined, { key: null })).status).toBe(200);
  });
});
