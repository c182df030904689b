import { and, eq, inArray, sql } from 'drizzle-orm';
import type { NodeRecord } from '../dag/run-state.js';
import type { Db } from './client.js';
import { runNodes } from './schema/run-nodes.js';

const UPSERT_CHUNK = 500;

/** Node records of runs, one row per (run, node). */
export class RunNodesRepo {
  constructor(private readonly db: Db) {}

  /** Writes records; writing a node again replaces its record (idempotent, for retried activities). */
  async save(runId: string, nodes: Record<string, NodeRecord>): Promise<void> {
    for (const write of this.saving(runId, nodes)) await write;
  }

  /** The writes `save` makes, one per chunk of records, not sent yet (so they can go out with other writes). */
  saving(runId: string, nodes: Record<string, NodeRecord>) {
    const rows = Object.entries(nodes).map(([nodeId, record]) => ({ runId, nodeId, record }));
    const writes = [];
    for (let i = 0; i < rows.length; i += UPSERT_CHUNK) {
      writes.push(
        this.db
          .insert(runNodes)
          .values(rows.slice(i, i + UPSERT_CHUNK))
          .onConflictDoUpdate({ target: [runNodes.runId, runNodes.nodeId], set: { record: sql`excluded.record` } }),
      );
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
