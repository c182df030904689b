import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Definition } from '../dag/schema.js';
import type { NodeRecord, RunCarry, RunError, RunSnapshot, RunStatus } from '../dag/run-state.js';

/** The interpreter workflow's type name, as clients start it. */
export const RUN_WORKFLOW_TYPE = 'weftRun';

/** What a run is started with: the definition is captured here, so the run is pinned to it. */
export interface RunWorkflowInput {
  definition: Definition;
  input: unknown;
  workflow: string;
  version: number | null;
  /** Set when the interpreter runs a scope of its own as a child: a loop iteration or a batch of map items. */
  scope?: ChildScope;
  /** Set when the run continued as new: where the execution before this one left off. */
  carry?: RunCarry;
  /** History events after which the run continues as new (default `SEGMENT_EVENTS`). */
  segmentEvents?: number;
}

/** What a child scope sees of its parent, and how it reports back. */
export interface ChildScope {
  /** The enclosing scope's nodes (output and status) that this scope may read. */
  outerNodes: Record<string, { output: unknown; status: string }>;
  /** Variables every node of the scope sees (a loop's `iteration` and `previous`). */
  vars?: Record<string, unknown>;
  /** Variables per node (a map item's `item` and `index`). */
  nodeVars?: Record<string, Record<string, unknown>>;
}

/** What a run returns when it ends. */
export interface RunWorkflowResult {
  status: RunStatus;
  output: unknown;
  error: RunError | null;
  costUsd: number;
  /** Every node's record, for child scopes (the parent builds its loop or map output from them). */
  nodes?: Record<string, NodeRecord>;
}

/**
 * The run's live state. `nodes` holds only the records of this execution that
 * are not pending: the API completes it with the records stored before (`run_nodes`)
 * and pending ones for the rest, so the answer stays small on a 10,000-node run.
 */
export const runStateQuery = defineQuery<RunSnapshot>('weft.runState');

/** A decision on an approval node, from `POST /runs/{id}/approvals/{nodeId}`. */
export interface ApprovalDecision {
  nodeId: string;
  approved: boolean;
  comment?: string | undefined;
  /** Who decided: the API key's name. */
  by: string;
}

/** An approval node's output (contract 1.3). */
export interface ApprovalOutput {
  approved: boolean;
  by: string | null;
  comment: string | null;
  decidedAt: string;
  auto: boolean;
}

/** The prefix of the validator's refusal when the node is not waiting; the API answers 409 NOT_WAITING. */
export const NOT_WAITING = 'NOT_WAITING';

/** Decides an approval. Rejected by the workflow (not guessed by the API) when that node is not waiting. */
export const approveUpdate = defineUpdate<ApprovalOutput, [ApprovalDecision]>('weft.approve');

/** Stops new nodes from starting; running ones finish. */
export const pauseSignal = defineSignal('weft.pause');
/** Lets a paused run go on. */
export const resumeSignal = defineSignal('weft.resume');
/** Raises (or sets) `limits.budgetUsd` while the run lives. */
export const budgetSignal = defineSignal<[{ budgetUsd: number }]>('weft.budget');
