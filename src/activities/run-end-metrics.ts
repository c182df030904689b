import type { Logger } from '../logger.js';
import { countRunEnd } from '../metrics/run-end.js';
import type { RunEnd } from './run-end.js';

/**
 * What `finishRun` calls once a run's final state is stored: counts the run and
 * its nodes, only when that write ended the run (a retried finishRun finds it
 * ended and counts nothing). Counting never fails the run's end: an error is logged.
 */
export function runEndMetrics(deps: { logger: Logger }): (end: RunEnd) => void {
  return ({ run, outcome, definition, nodes }) => {
    if (outcome === 'rewritten') return;
    try {
      const types = new Map(definition?.nodes.map((n) => [n.id, n.type]));
      countRunEnd(run, nodes, (id) => types.get(id) ?? 'unknown', outcome === 'ended');
    } catch (err) {
      deps.logger.warn({ runId: run.id, err: (err as Error).message }, 'could not count the ended run in the metrics');
    }
  };
}
