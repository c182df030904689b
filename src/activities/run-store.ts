import type { NodeExecutionsRepo } from '../db/node-executions-repo.js';
import type { RunNodesRepo } from '../db/run-nodes-repo.js';
import type { RunEventsRepo } from '../db/run-events-repo.js';
import type { FinishedRun, RunsRepo } from '../db/runs-repo.js';
import { runEvent } from '../dag/run-events.js';
import type { RunSnapshot } from '../dag/run-state.js';
import type { FinishRunInput, SaveNodesInput } from './contract.js';

interface RunStoreDeps {
  runs: RunsRepo;
  runNodes: RunNodesRepo;
  executions: NodeExecutionsRepo;
  /** The live streams' events: the run's final one is written here, after its last node events. */
  events: RunEventsRepo;
  /** Told what storing a run's final state did (a retried finishRun tells again, `rewritten`); never a child run's part. Told before `onFinished`. */
  onStored?(snapshot: RunSnapshot, finished: FinishedRun): Promise<void>;
  /** Told once a run's final state is stored (a retried finishRun tells again); never a child run's part. */
  onFinished?(run: RunSnapshot): Promise<void>;
}

/**
 * Builds `saveNodes`, `finishRun` and `loadOutputs`. A run stores its settled nodes' records in
 * chunks (`saveNodes`, before continuing as new or ending) and then its final
 * state (`finishRun`, with the records not stored yet). Both make sure every
 * attempt a record counts has a row, and both are idempotent, so their retries
 * (through a database outage) are safe. `loadOutputs` reads stored outputs back
 * for a run whose carried outputs were too big for its continue-as-new input.
 */
export function createRunStoreActivities(deps: RunStoreDeps) {
  async function saveNodes({ runId, nodes, scopeOnly }: SaveNodesInput): Promise<void> {
    // A child scope (loop iteration, map batch) is not a run of its own: its parent reports its nodes.
    await Promise.all([deps.executions.fillFromRun(runId, nodes), scopeOnly ? undefined : deps.runNodes.save(runId, nodes)]);
  }

  async function finishRun({ snapshot, scopeOnly }: FinishRunInput): Promise<void> {
    const { nodes, ...run } = snapshot;
    if (scopeOnly) return saveNodes({ runId: snapshot.id, nodes, scopeOnly });
    // The records and the row go out at once (one statement when the records fit one write each); the end event goes after both, so whoever it wakes reads the whole run.
    const records = [...deps.runNodes.saving(snapshot.id, nodes), ...deps.executions.filling(snapshot.id, nodes)];
    const [finished] = records.length <= 2 ? [await deps.runs.finish(run, undefined, records)] : await Promise.all([deps.runs.finish(run), saveNodes({ runId: snapshot.id, nodes })]);
    const { id, workflow, version, status, degraded, costUsd, error, startedAt, endedAt } = snapshot;
    await deps.events.append(id, workflow, [runEvent({ runId: id, workflow, version, status, degraded, costUsd, error, startedAt, endedAt }, 'end')]);
    await deps.onStored?.(snapshot, finished);
    await deps.onFinished?.(snapshot);
  }

  async function loadOutputs({ runId, nodeIds }: { runId: string; nodeIds: string[] }): Promise<Record<string, unknown>> {
    return deps.runNodes.outputs(runId, nodeIds);
  }

  return { saveNodes, finishRun, loadOutputs };
}
