import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRunStoreActivities } from '../../src/activities/run-store.js';
import { RUN_END_KINDS } from '../../src/alerts/evaluate.js';
import { runEvent } from '../../src/dag/run-events.js';
import type { NodeRecord, RunSnapshot } from '../../src/dag/run-state.js';
import { openDatabase, type Database } from '../../src/db/client.js';
import { createRepositories, type Repositories } from '../../src/db/repositories.js';
import { ENDED_MARK, RUN_EVENTS_CHANNEL } from '../../src/db/run-events-repo.js';
import type { FinishOutcome } from '../../src/db/runs-repo.js';
import { sql } from 'drizzle-orm';
import { selectRows } from '../../src/db/raw-query.js';
import { createTestDatabase } from '../support/harness.js';

/**
 * A run's start and end statements. `finishRun` stores a run's end (its row, its node records, every attempt they
 * count) in one statement when the records fit one write, in chunks otherwise,
 * on PostgreSQL and PGlite alike; a retried finish changes nothing and says so.
 */
const record = (attempts: number, at: string): NodeRecord => ({ status: 'succeeded', attempts, startedAt: at, endedAt: at, output: { text: 'done' }, error: null, costUsd: 0.5, degraded: false, fallback: null, skippedReason: null });

function snapshot(id: string, nodes: number, attempts = 1): RunSnapshot {
  const at = new Date().toISOString();
  return {
    id, workflow: 'wf', version: null, status: 'succeeded', degraded: false, input: {}, output: { ok: true }, error: null, costUsd: nodes * 0.5, startedAt: at, endedAt: at,
    nodes: Object.fromEntries(Array.from({ length: nodes }, (_, i) => [`n${i}`, record(attempts, at)])),
  };
}

for (const kind of ['postgres', 'pglite'] as const) {
  describe(`finishRun on ${kind}`, () => {
    let database: Database;
    let repos: Repositories;
    let dataDir: string;
    const outcomes: FinishOutcome[] = [];
    const alerting: boolean[] = [];
    let store: ReturnType<typeof createRunStoreActivities>;

    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'weft-finish-'));
      database = await openDatabase({ url: kind === 'postgres' ? await createTestDatabase() : undefined, dataDir, migrate: true, maxConnections: 2 });
      repos = createRepositories(database.db);
      store = createRunStoreActivities({ runs: repos.runs, runNodes: repos.runNodes, executions: repos.nodeExecutions, events: repos.runEvents, onStored: async (_s, finished) => void outcomes.push(finished.outcome),
        alerting: (workflow) => repos.alerts.watching(RUN_END_KINDS, workflow),
        onFinished: async (_run, watched) => void alerting.push(watched),
      });
    }, 60_000);
    afterAll(async () => {
      await database?.close();
      rmSync(dataDir, { recursive: true, force: true });
    });

    async function started(run: RunSnapshot): Promise<void> {
      const definition = { apiVersion: 'weft/v1', name: 'wf', nodes: Object.keys(run.nodes).map((id) => ({ id, type: 'transform', transform: {} })) };
      await repos.runs.insert({ id: run.id, workflowName: 'wf', workflowVersion: null, definition: definition as never, input: {}, idempotencyKey: null, createdBy: null, trigger: { type: 'api', keyId: null }, priority: 3 });
    }

    it('ends the row and stores every record, attempt and the end event, which wakes listeners; a retry finds it ended and rewrites the same', async () => {
      const run = snapshot(`run_small_${kind}`, 10, 2);
      await started(run);
      outcomes.length = 0;
      const heard: string[] = [];
      const unlisten = await database.listen(RUN_EVENTS_CHANNEL, (payload) => heard.push(payload));
      await store.finishRun({ snapshot: run });
      await vi.waitFor(() => expect(heard).toContain(`${run.id} ${ENDED_MARK}`));
      await store.finishRun({ snapshot: run });
      expect(outcomes).toEqual(['ended', 'rewritten']);
      await unlisten();
      const found = await repos.runs.getWithNodes(run.id);
      expect(found?.row.status).toBe('succeeded');
      expect(found?.row.costUsd).toBe(5);
      expect([...found!.nodes!.keys()].sort()).toEqual(Object.keys(run.nodes).sort());
      const attempts = await repos.nodeExecutions.list(run.id);
      expect(attempts).toHaveLength(20);
      expect(attempts.filter((a) => a.status === 'failed')).toHaveLength(10);
      // An attempt without output or error stores SQL nulls, not JSON nulls (what `is null` filters and reports find).
      const [nulls] = await selectRows<{ output: number; error: number }>(database.db, sql`select count(*) filter (where output is null)::int as output, count(*) filter (where error is null)::int as error from node_executions where run_id = ${run.id}`);
      expect(nulls).toEqual({ output: 10, error: 10 });
      const events = await repos.runEvents.after(0, { runId: run.id }, 10);
      expect(events.map((e) => e.kind)).toEqual(['run']);
    });

    it('stores a run too big for one write in chunks', async () => {
      const run = snapshot(`run_big_${kind}`, 700);
      await started(run);
      outcomes.length = 0;
      await store.finishRun({ snapshot: run });
      expect(outcomes).toEqual(['ended']);
      expect((await repos.runs.getWithNodes(run.id))?.nodes?.size).toBe(700);
      expect(await repos.nodeExecutions.list(run.id)).toHaveLength(700);
    });

    it('reads with the end whether alert rules watch the workflow', async () => {
      alerting.length = 0;
      const first = snapshot(`run_unwatched_${kind}`, 1);
      await started(first);
      await store.finishRun({ snapshot: first });
      await repos.alerts.createRule({ name: `failures-${kind}`, kind: 'run_failed', workflow: 'wf', params: {}, forMs: 0, forText: '0s', severity: 'warning', channels: [], repeatIntervalMs: 3_600_000, repeatIntervalText: '1h', enabled: true });
      const second = snapshot(`run_watched_${kind}`, 1);
      await started(second);
      await store.finishRun({ snapshot: second });
      expect(alerting).toEqual([false, true]);
    });

    it('a run starts with its row and start event in one statement: both or neither, and neither when refused', async () => {
      const id = `run_start_${kind}`;
      const row = { id, workflowName: 'wf', workflowVersion: null, definition: null, input: {}, idempotencyKey: null, createdBy: null, trigger: { type: 'api' as const, keyId: null }, priority: 3 };
      const start = (runId: string) => repos.runEvents.storing(runId, 'wf', [runEvent({ runId, workflow: 'wf', version: null, status: 'running', degraded: false, costUsd: 0, error: null, startedAt: new Date().toISOString(), endedAt: null }, 'start')]);
      const heard: string[] = [];
      const unlisten = await database.listen(RUN_EVENTS_CHANNEL, (payload) => heard.push(payload));
      await repos.runs.insertWithEvents(row, start(id));
      await vi.waitFor(() => expect(heard).toContain(id));
      expect((await repos.runs.get(id))?.status).toBe('running');
      expect((await repos.runEvents.after(0, { runId: id }, 10)).map((e) => e.kind)).toEqual(['run']);
      // A refusal (a spent budget's row) writes nothing and is handed back.
      const refused = await repos.runs.insertWithEvents({ ...row, id: `${id}_refused` }, start(`${id}_refused`), sql`select 'wf' as workflow, 1.5::float8 as spent_usd`);
      expect(refused.refused).toEqual({ workflow: 'wf', spent_usd: 1.5 });
      expect(await repos.runs.get(`${id}_refused`)).toBeUndefined();
      expect(await repos.runEvents.after(0, { runId: `${id}_refused` }, 10)).toEqual([]);
      // The same id again: the row's insert fails, and its event (another run's id here) is not stored either.
      await expect(repos.runs.insertWithEvents(row, start(`${id}_other`))).rejects.toThrow();
      expect(await repos.runEvents.after(0, { runId: `${id}_other` }, 10)).toEqual([]);
      await unlisten();
    });

    it('reads a live run without its records, an unknown one as undefined', async () => {
      const run = snapshot(`run_live_${kind}`, 3);
      await started(run);
      const found = await repos.runs.getWithNodes(run.id);
      expect(found?.row.status).toBe('running');
      expect(found?.nodes).toBeUndefined();
      expect(await repos.runs.getWithNodes('run_nope')).toBeUndefined();
    });
  });
}

describe('the statements of every run on PostgreSQL', () => {
  let database: Database;
  let repos: Repositories;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'weft-prepared-'));
    // One connection: pg_prepared_statements shows the session's own statements.
    database = await openDatabase({ url: await createTestDatabase(), dataDir, migrate: true, maxConnections: 1 });
    repos = createRepositories(database.db);
  }, 60_000);
  afterAll(async () => {
    await database?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('are prepared once on a connection and run again from there, not parsed and planned at every call', async () => {
    const store = createRunStoreActivities({ runs: repos.runs, runNodes: repos.runNodes, executions: repos.nodeExecutions, events: repos.runEvents });
    for (const id of ['run_prepared_1', 'run_prepared_2', 'run_prepared_3']) {
      const run = snapshot(id, 1);
      const start = repos.runEvents.storing(id, 'wf', [runEvent({ runId: id, workflow: 'wf', version: null, status: 'running', degraded: false, costUsd: 0, error: null, startedAt: run.startedAt, endedAt: null }, 'start')]);
      await repos.runs.insertWithEvents({ id, workflowName: 'wf', workflowVersion: null, definition: null, input: {}, idempotencyKey: null, createdBy: null, trigger: { type: 'api', keyId: null }, priority: 3 }, start, repos.budgets.blockingSql('wf'));
      await repos.runEvents.append(id, 'wf', [runEvent({ runId: id, workflow: 'wf', version: null, status: 'running', degraded: true, costUsd: 0, error: null, startedAt: run.startedAt, endedAt: null }, 'degraded')]);
      await store.finishRun({ snapshot: run });
      expect((await repos.runs.getWithNodes(id))?.nodes?.size).toBe(1);
      expect(await repos.workflows.get('wf')).toBeUndefined();
    }
    const prepared = await selectRows<{ statement: string; runs: number }>(database.db, sql`select statement, (generic_plans + custom_plans)::int as runs from pg_prepared_statements`);
    const runsOf = (start: RegExp) => prepared.filter((p) => start.test(p.statement.trim())).map((p) => p.runs);
    expect(runsOf(/^with refusal as/)).toEqual([3]);
    expect(runsOf(/^with stored as \(insert into run_events/)).toEqual([3]);
    expect(runsOf(/^with "w0" as \(insert into run_nodes/)).toEqual([3]);
    expect(runsOf(/^select .* from "runs" where "runs"."id" = \$\d+$/s)).toEqual([3]);
    expect(runsOf(/^select .* from "workflow_versions" where "workflow_versions"."name" = \$1 order by/s)).toEqual([3]);
  });
});
