/**
 * The interpreter's writes and reads of the run's records in the database,
 * through store activities: settled node records in chunks, the outcome at
 * the end, and the outputs a continue-as-new left stored. Command order is
 * what recorded histories replay: each function issues its activities in the
 * order it always has.
 */
import { patched, proxyActivities, proxyLocalActivities, workflowInfo } from '@temporalio/workflow';
import type { RunMachine } from '../dag/run-machine.js';
import type { WeftActivities } from '../activities/contract.js';

/** Persisting the outcome must outlast a database outage, so it retries for a long time. */
const storeOptions = {
  startToCloseTimeout: '1 minute',
  scheduleToCloseTimeout: '7 days',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
} as const;
const { finishRun, saveNodes, loadOutputs } = proxyActivities<WeftActivities>(storeOptions);
/**
 * Runs from this patch (and every run of interpreter revision 2 on, with no
 * patch marker) write their outcome in a local activity: one marker event
 * instead of a server round trip through the task queue, on every run's
 * critical path. Earlier histories keep the activity.
 */
const LOCAL_FINISH_PATCH = 'weft-local-finish-run';
const local = proxyLocalActivities<WeftActivities>(storeOptions);

/** Node records go to the database in chunks of about this many bytes of JSON, far below Temporal's 2 MB payload limit. */
export const STORE_CHUNK_BYTES = 256 * 1024;
/** Carried outputs up to this size travel in the continue-as-new input; beyond it, the next execution loads them. */
export const CARRY_INLINE_BYTES = 256 * 1024;

/** Stores every settled record not stored yet, in chunks of at most STORE_CHUNK_BYTES. */
export async function storeSettled(machine: RunMachine, scopeOnly: boolean): Promise<void> {
  const runId = workflowInfo().workflowId;
  for (const nodes of machine.unstoredChunks(STORE_CHUNK_BYTES)) {
    await saveNodes({ runId, nodes, scopeOnly });
    machine.markStored(Object.keys(nodes));
  }
}

/**
 * Writes the run's outcome; a large run stores its records in chunks first, so finishRun's payload stays small.
 * @param engine the interpreter revision the run started on (`RunWorkflowInput.engine`).
 */
export async function storeOutcome(machine: RunMachine, scopeOnly: boolean, engine: number): Promise<void> {
  let snapshot = machine.snapshot(workflowInfo().workflowId);
  if (JSON.stringify(snapshot).length > STORE_CHUNK_BYTES) {
    await storeSettled(machine, scopeOnly);
    snapshot = machine.snapshot(workflowInfo().workflowId);
  }
  const finish = engine >= 2 || patched(LOCAL_FINISH_PATCH) ? local.finishRun : finishRun;
  await finish({ snapshot, scopeOnly });
}

/**
 * Loads the outputs an earlier execution left in the database rather than in
 * the carry; `parked` hears when the run waits on them (only the outside brings them).
 */
export async function loadStoredOutputs(machine: RunMachine, storedOutputs: readonly string[][] | undefined, parked: (waiting: boolean) => void): Promise<void> {
  const runId = workflowInfo().workflowId;
  for (const nodeIds of storedOutputs ?? []) {
    parked(true);
    const outputs = await loadOutputs({ runId, nodeIds });
    parked(false);
    machine.restoreOutputs(outputs);
  }
}
