import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../dag/failure-types.js';
import { formatWorkflowRef } from '../dag/workflow-ref.js';
import type { WorkflowsRepo } from '../db/workflows-repo.js';
import type { LoadedWorkflow } from './contract.js';

/** Builds `loadWorkflow`: a stored definition for a `workflow` node or a map over a workflow. */
export function createLoadWorkflowActivity(deps: { workflows: WorkflowsRepo }) {
  return async function loadWorkflow({ name, version }: { name: string; version?: number }): Promise<LoadedWorkflow> {
    const stored = await deps.workflows.get(name, version);
    if (!stored) {
      throw ApplicationFailure.create({ type: FailureType.UnknownWorkflow, message: `no stored workflow ${formatWorkflowRef(name, version)}`, nonRetryable: true });
    }
    return { definition: stored.definition, version: stored.version };
  };
}
