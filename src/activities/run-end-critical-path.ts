import type { CriticalPathsRepo } from '../db/analytics/critical-paths-repo.js';
import type { Logger } from '../logger.js';
import type { RunEnd } from './run-end.js';

/**
 * What `finishRun` calls once a run's final state is stored: computes and stores
 * the run's critical path (again on a retried finish: it is idempotent), so the
 * analytics read it instead of walking the run's graph. A failure never fails
 * the run's end: it is logged, and the path is computed when first asked.
 */
export function runEndCriticalPath(deps: { criticalPaths: Pick<CriticalPathsRepo, 'store'>; logger: Logger }): (end: RunEnd) => Promise<void> {
  return async ({ run, definition, nodes, startedAt }) => {
    if (!definition) return;
    try {
      await deps.criticalPaths.store(run.id, definition, nodes, startedAt);
    } catch (err) {
      deps.logger.warn({ runId: run.id, err: (err as Error).message }, 'could not store the ended run critical path');
    }
  };
}
