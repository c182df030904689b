import { sql, type SQL } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeRecord } from '../../src/dag/run-state.js';
import type { Definition } from '../../src/dag/schema.js';
import { openDatabase, type Database } from '../../src/db/client.js';
import { createRepositories, type Repositories } from '../../src/db/repositories.js';
import { runs } from '../../src/db/schema/runs.js';
import { createTestDatabase } from '../support/harness.js';

/**
 * Per-workflow node statistics over big runs read the stored critical paths
 * right (every node of two chains on both paths) and stay linear, counted in
 * the rows PostgreSQL's plan discards rather than in time. Joined on
 * (workflow, node) as two columns, the planner once merged the path counts on
 * the workflow alone and filtered every node against every node (10,000 ×
 * 10,000 pairs for two runs of 10,000 nodes: 36 s, bench:scale). That plan
 * depended on the tables' statistics: this test did not reproduce it on the old
 * query, so it guards the plan's size, not that one choice.
 */
const N = 2_000;
let database: Database;
let repos: Repositories;

beforeAll(async () => {
  database = await openDatabase({ url: await createTestDatabase(), dataDir: '', migrate: true, maxConnections: 2 });
  repos = createRepositories(database.db);
  const nodes = Array.from({ length: N }, (_, i) => ({ id: `n${i}`, type: 'agent', ...(i ? { needs: [`n${i - 1}`] } : {}), agent: { provider: 'offline', prompt: 'p', mock: { text: 'x' } } }));
  await repos.workflows.save({ definition: { apiVersion: 'weft/v1', name: 'big', nodes } as unknown as Definition, hash: 'h', source: null, actor: null });
  for (const id of ['run_a', 'run_b']) {
    const start = Date.now() - N * 10 - 1_000;
    await database.db.insert(runs).values({ id, workflowName: 'big', workflowVersion: 1, status: 'succeeded', input: {}, priority: 3, startedAt: new Date(start), endedAt: new Date(start + N * 10 + 5) });
    const records: Record<string, NodeRecord> = {};
    for (let i = 0; i < N; i++) {
      records[`n${i}`] = { status: 'succeeded', attempts: 1, startedAt: new Date(start + i * 10).toISOString(), endedAt: new Date(start + i * 10 + 9).toISOString(), output: null, error: null, costUsd: 0, degraded: false, fallback: null, skippedReason: null };
    }
    await repos.runNodes.save(id, records);
    expect((await repos.criticalPaths.compute(id))?.length).toBe(N);
  }
});
afterAll(async () => {
  await database?.close();
});

/** Every "Rows Removed by Join Filter" of a plan, summed. */
function removedByJoinFilters(plan: Record<string, unknown>): number {
  const own = Number(plan['Rows Removed by Join Filter'] ?? 0);
  return own + ((plan.Plans as Record<string, unknown>[] | undefined) ?? []).reduce((sum, p) => sum + removedByJoinFilters(p), 0);
}

describe('per-workflow node statistics over two runs of 2,000 nodes', () => {
  it('count every node on both critical paths, with a plan that discards no more rows than a few per node', async () => {
    const execute = database.db.execute.bind(database.db);
    let removed = 0;
    // The repository's own query, explained: the plan it gets is the one measured.
    (database.db as { execute: (q: SQL) => Promise<unknown> }).execute = async (query: SQL) => {
      const explained = (await execute(sql`explain (analyze, format json) ${query}`)) as unknown as { rows?: Record<string, unknown>[] } | Record<string, unknown>[];
      const rows = Array.isArray(explained) ? explained : explained.rows!;
      removed += removedByJoinFilters((rows[0]!['QUERY PLAN'] as { Plan: Record<string, unknown> }[])[0]!.Plan);
      return execute(query);
    };
    try {
      const stats = await repos.nodeStats.nodes({ workflow: 'big', since: new Date(Date.now() - 86_400_000) }, { limit: null, offset: 0 });
      expect(stats).toHaveLength(N);
      expect(stats.every((s) => s.executions === 2 && s.onCriticalPath === 1 && s.longestPath === N)).toBe(true);
    } finally {
      (database.db as { execute: unknown }).execute = execute;
    }
    expect(removed).toBeLessThan(10 * N);
  });
});
