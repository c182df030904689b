import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { NodeRecord } from '../dag/run-state.js';
import type { Db } from './client.js';
import { jsonRows } from './raw-query.js';
import { runNodes } from './schema/run-nodes.js';

const UPSERT_CHUNK = 500;

/** Node records of runs, one row per (run, node). */
export class RunNodesRepo {
  constructor(private readonly db: Db) {}

  /** Writes records; writing a node again replaces its record (idempotent, for retried activities). */
  async save(runId: string, nodes: Record<string, NodeRecord>): Promise<void> {
    for (const write of this.saving(runId, nodes)) await this.db.execute(write);
  }

  /** The writes `save` makes, one per chunk of records, not sent yet (so they can go out with other writes); the records travel as one JSON parameter each. */
  saving(runId: string, nodes: Record<string, NodeRecord>): SQL[] {
    const entries = Object.entries(nodes);
    const writes: SQL[] = [];
    for (let i = 0; i < entries.length; i += UPSERT_CHUNK) {
      writes.push(sql`insert into run_nodes (run_id, node_id, record)
        select ${runId}, r->>0, r->1 from ${jsonRows(entries.slice(i, i + UPSERT_CHUNK))}
        on conflict (run_id, node_id) do update set record = excluded.record`);
    }
    return writes;
  }

  /** The outputs of some of a run's stored nodes, by node id. */
  async outputs(runId: string, nodeIds: string[]): Promise<Record<string, unknown>> {
    const rows = await this.db
      .select({ nodeId: runNodes.nodeId, output: sql<unknown>`${runNodes.record}->'output'` })
      .from(runNodes)
      .where(and(eq(runNodes.runId, runId), inArray(runNodes.nodeId, nodeIds)));
    return Object.fromEntries(rows.map((r) => [r.nodeId, r.output ?? null]));
  }

  /** Every stored record of a run without its output (what metrics read at the run's end), by node id. */
  async listWithoutOutputs(runId: string): Promise<Map<string, Omit<NodeRecord, 'output'>>> {
    const rows = await this.db
      .select({ nodeId: runNodes.nodeId, record: sql<Omit<NodeRecord, 'output'>>`${runNodes.record} - 'output'` })
      .from(runNodes)
      .where(eq(runNodes.runId, runId));
    return new Map(rows.map((r) => [r.nodeId, r.record]));
  }

  /** Every stored record of a run, by node id. */
  async list(runId: string): Promise<Map<string, NodeRecord>> {
    const rows = await this.db.select({ nodeId: runNodes.nodeId, record: runNodes.record }).from(runNodes).where(eq(runNodes.runId, runId));
    return new Map(rows.map((r) => [r.nodeId, r.record]));
  }
}
