import type { SQL } from 'drizzle-orm';
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
  /** Whether alert rules watch a workflow's run ends, as a condition read with the run's end (unset: they are assumed to). */
  alerting?(workflow: string): SQL;
  /** Told once a run's final state is stored (a retried finishRun tells again), and whether alert rules watch it; never a child run's part. */
  onFinished?(run: RunSnapshot, alerting: boolean): Promise<void>;
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
    const { id, workflow, version, status, degraded, costUsd, error, startedAt, endedAt } = snapshot;
    const end = [runEvent({ runId: id, workflow, version, status, degraded, costUsd, error, startedAt, endedAt }, 'end')];
    const records = [...deps.runNodes.saving(id, nodes), ...deps.executions.filling(id, nodes)];
    let finished: FinishedRun;
    if (records.length <= 2) {
      // One statement: the row, the records and the end event (after this process's earlier events of the run, so it is the last).
      await deps.events.settled();
      finished = await deps.runs.finish(run, undefined, { writes: records, events: deps.events.storing(id, workflow, end), ...(deps.alerting ? { alerting: deps.alerting(workflow) } : {}) });
    } else {
      // Records in chunks, at once with the row; the end event after both, so whoever it wakes reads the whole run.
      [finished] = await Promise.all([deps.runs.finish(run), saveNodes({ runId: id, nodes })]);
      await deps.events.append(id, workflow, end);
    }
    await deps.onStored?.(snapshot, finished);
    await deps.onFinished?.(snapshot, finished.alerting ?? true);
  }

  async function loadOutputs({ runId, nodeIds }: { runId: string; nodeIds: string[] }): Promise<Record<string, unknown>> {
    return deps.runNodes.outputs(runId, nodeIds);
  }

  return { saveNodes, finishRun, loadOutputs };
}
