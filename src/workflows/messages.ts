import { defineQuery } from '@temporalio/workflow';
import type { Definition } from '../dag/schema.js';
import type { RunError, RunSnapshot, RunStatus } from '../dag/run-state.js';

/** The interpreter workflow's type name, as clients start it. */
export const RUN_WORKFLOW_TYPE = 'weftRun';

/** What a run is started with: the definition is captured here, so the run is pinned to it. */
export interface RunWorkflowInput {
  definition: Definition;
  input: unknown;
  workflow: string;
  version: number | null;
}

/** What a run returns when it ends. */
export interface RunWorkflowResult {
  status: RunStatus;
  output: unknown;
  error: RunError | null;
  costUsd: number;
}

/** The run's live state, as `GET /runs/{id}` shows it. */
export const runStateQuery = defineQuery<RunSnapshot>('weft.runState');
