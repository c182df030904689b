import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { announceSkip, resilienceSkipReason, startLocalCluster, type LocalCluster } from '../support/local-cluster.js';
import { waitFor } from '../support/processes.js';
import { agentRun, allEnded, nodeStatus, report, startRuns } from './runs.js';

/**
 * The full fault suite's longer faults, opt-in (vitest.config.ts runs this file
 * only with WEFT_RESILIENCE_FULL=1, see docs/reliability.md): PostgreSQL, which
 * holds both Temporal's and Weft's databases, stopped for 30 s with runs in flight.
 */
const OUTAGE_MS = 30_000;
const skip = resilienceSkipReason();
announceSkip('test/resilience/full.test.ts', skip);
let cluster: LocalCluster;

beforeAll(async () => {
  if (skip) return;
  cluster = await startLocalCluster();
}, 240_000);
afterAll(async () => {
  await cluster?.down();
}, 120_000);

describe.skipIf(skip)(skip ? `full resilience suite (not run: ${skip})` : 'full resilience suite on the production topology', () => {
  it('stop PostgreSQL for 30 s: the API answers 503 UNAVAILABLE meanwhile, runs finish, every record lands after', async () => {
    const chain = {
      apiVersion: 'weft/v1',
      name: 'resilience-outage',
      nodes: [agentRun('a', 'A', '1s'), agentRun('b', 'B', '1s', ['a']), agentRun('c', 'C', '1s', ['b'])],
    };
    const ids = await startRuns(cluster, chain, 20, 'outage');
    await waitFor(async () => ((await nodeStatus(cluster, ids.at(-1)!, 'a')) === 'running' ? true : undefined), 'the runs to be under way', 60_000);
    await cluster.control('stop', 'postgres');
    const outageEnds = Date.now() + OUTAGE_MS;

    for (const via of [0, 1] as const) {
      const read = await cluster.api(via, 'GET', `/api/v1/runs/${ids[0]}`);
      expect(read.status).toBe(503);
      expect(read.body.error.code).toBe('UNAVAILABLE');
      expect((await cluster.api(via, 'GET', '/ready')).status).toBe(503);
    }
    const start = await cluster.api(0, 'POST', '/api/v1/runs', { definition: chain });
    expect(start.status).toBe(503);
    expect(start.body.error.code).toBe('UNAVAILABLE');
    // The outage lasts its full length (the fault being measured), then PostgreSQL is back.
    await new Promise((r) => setTimeout(r, Math.max(0, outageEnds - Date.now())));
    await cluster.control('start', 'postgres');
    const backAt = Date.now();

    const runs = await allEnded(cluster, ids, 300_000);
    report('PostgreSQL stopped', { runs: ids.length, outageMs: backAt - (outageEnds - OUTAGE_MS), backToAllEndedMs: Date.now() - backAt });
    for (const run of runs) {
      expect(run.status).toBe('succeeded');
      expect(run.output).toMatchObject({ c: { text: 'C' } });
    }
    const sql = postgres(cluster.databaseUrl, { max: 1, onnotice: () => {} });
    try {
      const rows = await sql<{ run_id: string; node_id: string; attempts: number[]; last: string }[]>`
        select run_id, node_id, array_agg(attempt order by attempt) as attempts, (array_agg(status order by attempt desc))[1] as last
        from node_executions where run_id in ${sql(ids)} group by run_id, node_id`;
      // Every node of every run recorded: attempts 1..n once each, the last one succeeded.
      expect(rows).toHaveLength(ids.length * 3);
      for (const row of rows) {
        expect(row.attempts).toEqual(row.attempts.map((_, i) => i + 1));
        expect(row.last).toBe('succeeded');
      }
    } finally {
      await sql.end();
    }
    for (const via of [0, 1] as const) expect((await cluster.api(via, 'GET', '/ready')).status).toBe(200);
  }, 480_000);
});
