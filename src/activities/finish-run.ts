import type { NodeExecutionsRepo } from '../db/node-executions-repo.js';
import type { RunsRepo } from '../db/runs-repo.js';
import type { FinishRunInput } from './contract.js';

/**
 * Builds `finishRun`: writes a run's final state and makes sure every attempt it
 * knows of has a row. Idempotent, so its own retries (through a database outage)
 * are safe.
 */
export function createFinishRunActivity(deps: { runs: RunsRepo; executions: NodeExecutionsRepo }) {
  return async function finishRun({ snapshot, scopeOnly }: FinishRunInput): Promise<void> {
    await deps.executions.fillFromRun(snapshot.id, snapshot.nodes);
    if (!scopeOnly) await deps.runs.finish(snapshot);
  };
}
