import { and, asc, eq, isNotNull, max, min, sql, type SQL } from 'drizzle-orm';
import type { NodeError, NodeRecord } from '../dag/run-state.js';
import type { Db } from './client.js';
import { jsonRows } from './raw-query.js';
import { nodeExecutions, type NewNodeExecution, type NodeExecutionRow } from './schema/node-executions.js';
import { runs } from './schema/runs.js';

const INSERT_CHUNK = 500;

/** Per-attempt records of node executions, keyed (run, node, attempt). */
export class NodeExecutionsRepo {
  constructor(private readonly db: Db) {}

  /** Writes one attempt; writing the same attempt again replaces it (idempotent). */
  async recordAttempt(row: NewNodeExecution): Promise<void> {
    const { runId: _r, nodeId: _n, attempt: _a, ...rest } = row;
    await this.db
      .insert(nodeExecutions)
      .values(row)
      .onConflictDoUpdate({ target: [nodeExecutions.runId, nodeExecutions.nodeId, nodeExecutions.attempt], set: rest });
  }

  /**
   * Makes sure every attempt the run knows of has a row, from the node records
   * as the run ended. Rows activities already wrote are kept as they are (they
   * carry more detail); what is missing (nodes run in the workflow, attempts
   * whose worker died, writes lost to a database outage) is filled in.
   */
  async fillFromRun(runId: string, nodes: Record<string, NodeRecord>): Promise<void> {
    for (const write of this.filling(runId, nodes)) await this.db.execute(write);
  }

  /** The writes `fillFromRun` makes, one per chunk of attempts, not sent yet (so they can go out with other writes); the attempts travel as one JSON parameter each. */
  filling(runId: string, nodes: Record<string, NodeRecord>): SQL[] {
    const rows: Omit<NewNodeExecution, 'runId'>[] = [];
    for (const [nodeId, record] of Object.entries(nodes)) {
      for (let attempt = 1; attempt <= record.attempts; attempt++) {
        const last = attempt === record.attempts;
        const lostError: NodeError = { type: 'ATTEMPT_FAILED', message: 'this attempt failed; its worker recorded no details' };
        rows.push({
          nodeId,
          attempt,
          status: last ? record.status : 'failed',
          fallback: last ? record.fallback : null,
          startedAt: last && record.startedAt ? new Date(record.startedAt) : null,
          endedAt: last && record.endedAt ? new Date(record.endedAt) : null,
          output: last ? record.output : null,
          error: last ? record.error : lostError,
          costUsd: last ? record.costUsd : null,
        });
      }
    }
    const writes: SQL[] = [];
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      // A JSON null (no output, no error) is stored as SQL null, as a row written value by value is.
      writes.push(sql`insert into node_executions (run_id, node_id, attempt, status, fallback, started_at, ended_at, output, error, cost_usd)
        select ${runId}, r->>'nodeId', (r->>'attempt')::int, r->>'status', (r->>'fallback')::int, (r->>'startedAt')::timestamptz, (r->>'endedAt')::timestamptz,
          nullif(r->'output', 'null'::jsonb), nullif(r->'error', 'null'::jsonb), (r->>'costUsd')::float8
        from ${jsonRows(rows.slice(i, i + INSERT_CHUNK))}
        on conflict do nothing`);
    }
    return writes;
  }

  /** Per node of a workflow, the lowest and highest cost of its successful attempts in earlier runs. */
  async costHistory(workflowName: string): Promise<Map<string, { minUsd: number; maxUsd: number }>> {
    const rows = await this.db
      .select({ nodeId: nodeExecutions.nodeId, minUsd: min(nodeExecutions.costUsd), maxUsd: max(nodeExecutions.costUsd) })
      .from(nodeExecutions)
      .innerJoin(runs, eq(runs.id, nodeExecutions.runId))
      .where(and(eq(runs.workflowName, workflowName), eq(nodeExecutions.status, 'succeeded'), isNotNull(nodeExecutions.costUsd)))
      .groupBy(nodeExecutions.nodeId);
    return new Map(rows.map((r) => [r.nodeId, { minUsd: r.minUsd ?? 0, maxUsd: r.maxUsd ?? 0 }]));
  }

  async list(runId: string, nodeId?: string): Promise<NodeExecutionRow[]> {
    const where = nodeId === undefined ? eq(nodeExecutions.runId, runId) : and(eq(nodeExecutions.runId, runId), eq(nodeExecutions.nodeId, nodeId));
    return this.db.select().from(nodeExecutions).where(where).orderBy(asc(nodeExecutions.nodeId), asc(nodeExecutions.attempt));
  }
}
