import { executeChild, proxyActivities } from '@temporalio/workflow';
import type { NodesView } from '../../dag/bindings.js';
import type { NodeRecord } from '../../dag/run-state.js';
import type { Definition, NodeSpec } from '../../dag/schema.js';
import type { WeftActivities } from '../../activities/contract.js';
import { RUN_WORKFLOW_TYPE, type RunWorkflowInput, type RunWorkflowResult } from '../messages.js';
import { WEFT_STATUS, WEFT_WORKFLOW } from '../search-attributes.js';
import type { RunContext } from './executor.js';

/** Loads a stored definition for a `workflow` node or a map over a workflow. */
export const { loadWorkflow } = proxyActivities<WeftActivities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 5, initialInterval: '1 second' },
});

/**
 * Runs a definition as a child run of this one, named `<this run's id>.<suffix>`:
 * a part of this run (a loop iteration, a batch of map items), or a stored
 * workflow's run of its own. It delivers the same hooks as its parent, and
 * runs on the same interpreter revision.
 */
export function runChild(run: RunContext, suffix: string, input: RunWorkflowInput): Promise<RunWorkflowResult> {
  return executeChild(RUN_WORKFLOW_TYPE, {
    workflowId: `${run.runId}.${suffix}`,
    args: [{ ...input, ...(run.hooks ? { hooks: run.hooks } : {}), ...(run.engine === undefined ? {} : { engine: run.engine }) }],
    typedSearchAttributes: [
      { key: WEFT_WORKFLOW, value: input.workflow },
      { key: WEFT_STATUS, value: 'running' },
    ],
  });
}

/** The definition of a child run that is a part of this run: the parent's settings around other nodes. */
export function partDefinition(parent: Definition, nodes: NodeSpec[], maxParallel: number, budgetUsd: number | undefined): Definition {
  const { outputs: _outputs, input: _input, ...rest } = parent;
  return { ...rest, nodes, limits: { maxParallel, ...(budgetUsd === undefined ? {} : { budgetUsd }) } };
}

/** Each node's output, by id. */
export const outputsOf = (nodes: Record<string, NodeRecord>) => Object.fromEntries(Object.entries(nodes).map(([id, r]) => [id, r.output]));

/** What expressions see of a child run's nodes. */
export const viewOf = (nodes: Record<string, NodeRecord>): NodesView => Object.fromEntries(Object.entries(nodes).map(([id, r]) => [id, { output: r.output, status: r.status }]));
