import { criticalPath, type CriticalPathNode } from '../dag/critical-path.js';
import { compilePlan } from '../dag/plan.js';
import type { CriticalPathsRepo } from '../db/analytics/critical-paths-repo.js';
import type { Logger } from '../logger.js';
import type { RunEnd } from './run-end.js';

/** How long a computed path waits for others to go out with it. */
export const PATH_FLUSH_MS = 250;

/**
 * What `finishRun` calls once a run's final state is stored: computes the run's
 * critical path at once and stores it with the paths of the runs that end
 * within {@link PATH_FLUSH_MS}, in one write, so the analytics read paths
 * instead of walking runs' graphs, and a busy worker does not pay a statement
 * per run for it. Nothing waits on the write, and a path it loses (a failed
 * write, logged; a worker stopped in between) is computed when first asked
 * (`CriticalPathsRepo.compute`, `ensure`): a run's end never fails for it.
 */
export function runEndCriticalPath(deps: { criticalPaths: Pick<CriticalPathsRepo, 'storeMany'>; logger: Logger; flushMs?: number }): (end: RunEnd) => void {
  // By run: a finish retried within the wait stores its run's path once (one upsert may not touch a row twice).
  let pending = new Map<string, CriticalPathNode[]>();

  function flush(): void {
    const paths = [...pending].map(([runId, nodes]) => ({ runId, nodes }));
    pending = new Map();
    deps.criticalPaths.storeMany(paths).catch((err: unknown) => {
      deps.logger.warn({ runIds: paths.map((p) => p.runId), err: (err as Error).message }, 'could not store ended runs critical paths');
    });
  }

  return ({ run, definition, nodes, startedAt }) => {
    if (!definition) return;
    let path: CriticalPathNode[];
    try {
      path = criticalPath(compilePlan(definition), nodes, startedAt);
    } catch (err) {
      deps.logger.warn({ runId: run.id, err: (err as Error).message }, 'could not compute the ended run critical path');
      return;
    }
    // The first path of a batch sets the timer; an idle worker keeps none (unref: it never holds a stopping process).
    if (pending.size === 0) setTimeout(flush, deps.flushMs ?? PATH_FLUSH_MS).unref();
    pending.set(run.id, path);
  };
}
