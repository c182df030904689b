import { eq, sql } from 'drizzle-orm';
import { criticalPath, type CriticalPathNode, type NodeTimes } from '../../dag/critical-path.js';
import { compilePlan } from '../../dag/plan.js';
import type { Definition } from '../../dag/schema.js';
import type { Db } from '../client.js';
import { isoTime, selectRows } from '../raw-query.js';
import { runCriticalPaths } from '../schema/run-critical-paths.js';
import { scopeFilter, type RunScope } from './run-scope.js';

/** Ended runs without a stored path computed per call of `ensure`: a bound on one request's catching up. */
const ENSURE_BATCH = 500;

/**
 * Runs' critical paths, stored once per ended run (`run_critical_paths`):
 * computed in code from the run's definition and node records, linear in its
 * nodes, where the recursive SQL walk it replaces took ~20 s on 10,000 nodes.
 */
export class CriticalPathsRepo {
  constructor(private readonly db: Db) {}

  /** The stored path of a run, if computed. */
  async get(runId: string): Promise<CriticalPathNode[] | undefined> {
    const [row] = await this.db.select({ nodes: runCriticalPaths.nodes }).from(runCriticalPaths).where(eq(runCriticalPaths.runId, runId));
    return row?.nodes;
  }

  /** Computes and stores (or stores again: idempotent) an ended run's path; undefined when the run or its definition is gone. */
  async compute(runId: string): Promise<CriticalPathNode[] | undefined> {
    const [run] = await selectRows<{ def: Definition | null; started_at: unknown }>(
      this.db,
      sql`select coalesce(r.definition, wv.definition) as def, r.started_at from runs r
        left join workflow_versions wv on wv.name = r.workflow_name and wv.version = r.workflow_version
        where r.id = ${runId}`,
    );
    if (!run?.def) return undefined;
    const rows = await selectRows<{ node_id: string; started_at: string | null; ended_at: string | null }>(
      this.db,
      sql`select node_id, record->>'startedAt' as started_at, record->>'endedAt' as ended_at from run_nodes where run_id = ${runId}`,
    );
    const times = new Map<string, NodeTimes>(rows.map((r) => [r.node_id, { startedAt: r.started_at, endedAt: r.ended_at }]));
    return this.store(runId, run.def, times, isoTime(run.started_at)!);
  }

  /** Computes and stores (or stores again: idempotent) the path of an ended run whose definition and node times are at hand. */
  private async store(runId: string, definition: Definition, times: ReadonlyMap<string, NodeTimes>, startedAt: string): Promise<CriticalPathNode[]> {
    const nodes = criticalPath(compilePlan(definition), times, startedAt);
    await this.storeMany([{ runId, nodes }]);
    return nodes;
  }

  /** Stores (or stores again: idempotent) computed paths, in one write. */
  async storeMany(paths: readonly { runId: string; nodes: CriticalPathNode[] }[]): Promise<void> {
    if (paths.length === 0) return;
    await this.db
      .insert(runCriticalPaths)
      .values([...paths])
      .onConflictDoUpdate({ target: runCriticalPaths.runId, set: { nodes: sql`excluded.nodes` } });
  }

  /**
   * Computes the paths of a scope's ended runs that have none stored (runs that
   * ended before paths were stored, or whose computation at their end failed),
   * at most {@link ENSURE_BATCH} per call.
   */
  async ensure(scope: RunScope): Promise<void> {
    const missing = await selectRows<{ id: string }>(
      this.db,
      sql`select r.id from runs r where ${scopeFilter(scope)} and r.ended_at is not null
        and not exists (select 1 from run_critical_paths cp where cp.run_id = r.id)
        order by r.started_at desc limit ${ENSURE_BATCH}`,
    );
    for (const { id } of missing) await this.compute(id);
  }
}
