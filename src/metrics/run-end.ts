import { RunErrorCode } from '../dag/failure-types.js';
import type { NodeRecord, RunSnapshot } from '../dag/run-state.js';
import { budgetExceeded, nodeDuration, nodeExecutions, nodeFallbacks, runDuration, runsActive, runsFinished } from './registry.js';

/** What the run's end knows of one node: its record without the output. */
export type EndedNode = Pick<NodeRecord, 'status' | 'startedAt' | 'endedAt' | 'fallback' | 'reused'>;

const FINAL_NODE: ReadonlySet<string> = new Set(['succeeded', 'failed', 'skipped', 'cancelled']);

/**
 * Counts one ended run: the run by its final status, its duration, the budget
 * stop, and every node that reached a final state (a re-run's reused nodes never
 * ran and are not counted). Call it once per run: `finishRun` calls it only
 * when its write ended the run, so retries and replays count nothing again.
 * @param typeOf the node's definition type (`agent`, `slack.post`, ...).
 * @param startedHere whether the API counted the run in `weft_runs_active` (not a child run started by a workflow).
 */
export function countRunEnd(run: Omit<RunSnapshot, 'nodes'>, nodes: Iterable<[string, EndedNode]>, typeOf: (nodeId: string) => string, startedHere: boolean): void {
  const { workflow, status } = run;
  runsFinished.inc({ workflow, status });
  const seconds = secondsBetween(run.startedAt, run.endedAt);
  if (seconds !== null) runDuration.observe({ workflow, status }, seconds);
  if (startedHere) runsActive.dec({ workflow });
  if (run.error?.code === RunErrorCode.BudgetExceeded) budgetExceeded.inc({ workflow });
  for (const [id, node] of nodes) {
    if (!FINAL_NODE.has(node.status) || node.reused) continue;
    const type = typeOf(id);
    nodeExecutions.inc({ workflow, type, status: node.status });
    const took = secondsBetween(node.startedAt, node.endedAt);
    if (took !== null) nodeDuration.observe({ workflow, type }, took);
    if (node.status === 'succeeded' && node.fallback !== null) nodeFallbacks.inc({ workflow });
  }
}

function secondsBetween(start: string | null, end: string | null): number | null {
  if (!start || !end) return null;
  const ms = Date.parse(end) - Date.parse(start);
  return Number.isFinite(ms) && ms >= 0 ? ms / 1000 : null;
}
