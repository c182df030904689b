import type { RunSnapshot } from '../dag/run-state.js';
import type { CriticalPathsRepo } from '../db/analytics/critical-paths-repo.js';
import type { Logger } from '../logger.js';

/**
 * What `finishRun` calls once a run's final state is stored: computes and stores
 * the run's critical path (again on a retried finish: it is idempotent), so the
 * analytics read it instead of walking the run's graph. A failure never fails
 * the run's end: it is logged, and the path is computed when first asked.
 */
export function runEndCriticalPath(deps: { criticalPaths: Pick<CriticalPathsRepo, 'compute'>; logger: Logger }): (run: Omit<RunSnapshot, 'nodes'>) => Promise<void> {
  return async (run) => {
    try {
      await deps.criticalPaths.compute(run.id);
    } catch (err) {
      deps.logger.warn({ runId: run.id, err: (err as Error).message }, 'could not store the ended run critical path');
    }
  };
}
