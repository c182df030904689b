import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Definition } from '../dag/schema.js';
import type { InheritedBindings } from '../dag/bindings.js';
import type { NodeRecord, RunCarry, RunError, RunReuse, RunSnapshot, RunStatus } from '../dag/run-state.js';
import type { HookName } from '../plugins/contract.js';

/** The interpreter workflow's type name, as clients start it. */
export const RUN_WORKFLOW_TYPE = 'weftRun';

/** What a run is started with: the definition is captured here, so the run is pinned to it. */
/**
 * The interpreter revision the API and schedules start runs on; a run carries
 * it in its input (continuing as new too), so its history replays the way it
 * was made. Revisions: absent, the first; 2, the outcome written by a local
 * activity and the drive loop woken without a `condition`, with no patch
 * marker (each `patched()` costs a run a marker and a search-attribute upsert).
 * Unlike a patch, a revision is chosen where the run starts, not by the worker
 * that first runs it: workers must know it before an API or schedule sets it
 * (docs/deploy.md, Upgrades: roll the workers first).
 */
export const ENGINE = 2;

export interface RunWorkflowInput {
  definition: Definition;
  input: unknown;
  workflow: string;
  version: number | null;
  /**
   * Set on a child run that is a part of its parent (a loop iteration, a batch
   * of map items): what it inherits to bind. (`scope` on the wire: recorded
   * histories carry that name.)
   */
  scope?: InheritedBindings;
  /** Set when the run continued as new: where the execution before this one left off. */
  carry?: RunCarry;
  /** History events after which the run continues as new (default `SEGMENT_EVENTS`). */
  segmentEvents?: number;
  /** Set on a re-run from failure: the nodes that keep an earlier run's output and do not run again. */
  reuse?: RunReuse;
  /** The plugin hooks loaded where the run started; absent when none is, and then the run delivers no hook event itself. */
  hooks?: HookName[];
  /** The interpreter revision ({@link ENGINE}) the run started on; absent on runs started before revisions. */
  engine?: number;
}

/** The type name of a run started by a schedule (it prepares, then interprets, in one workflow). */
export const SCHEDULED_RUN_WORKFLOW_TYPE = 'weftScheduledRun';

/**
 * What a schedule starts each time it fires: the workflow to run, resolved
 * then (its latest version unless `version` pins one), with this input.
 */
export interface ScheduledRunInput {
  scheduleId: string;
  workflow: string;
  version?: number;
  input: unknown;
  /** The schedule's run priority, recorded on each run it fires (Temporal applies it from the schedule's action). */
  priority?: number;
  hooks?: HookName[];
  segmentEvents?: number;
  /** The interpreter revision the schedule's runs start on (see {@link ENGINE}); absent on schedules made before revisions. */
  engine?: number;
}

/** What a run returns when it ends. */
export interface RunWorkflowResult {
  status: RunStatus;
  output: unknown;
  error: RunError | null;
  costUsd: number;
  /** Every node's record, for a child run that is a part of its parent (the parent builds its loop or map output from them). */
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
  /** Set for a decision on an agent's tool call rather than on an approval node (weft-agents 3.2). */
  callId?: string | undefined;
  /** An approved call's arguments as the person edited them (the API checked them against the tool's parameters). */
  args?: unknown;
}

/** What a decision is for: an approval node (its id), or one tool call of an agent node (`<nodeId>/<callId>`). */
export function decisionKey(decision: Pick<ApprovalDecision, 'nodeId' | 'callId'>): string {
  return decision.callId === undefined ? decision.nodeId : `${decision.nodeId}/${decision.callId}`;
}

/** An approval node's output (contract 1.3). */
export interface ApprovalOutput {
  approved: boolean;
  by: string | null;
  comment: string | null;
  decidedAt: string;
  auto: boolean;
}

/**
 * Decides an approval. Rejected by the workflow (not guessed by the API) when
 * that node is not waiting, with an `ApplicationFailure` of type
 * `FailureType.NotWaiting`; the API answers 409 NOT_WAITING.
 */
export const approveUpdate = defineUpdate<ApprovalOutput, [ApprovalDecision]>('weft.approve');

/** Stops new nodes from starting; running ones finish. */
export const pauseSignal = defineSignal('weft.pause');
/** Lets a paused run go on. */
export const resumeSignal = defineSignal('weft.resume');
/** Raises (or sets) `limits.budgetUsd` while the run lives. */
export const budgetSignal = defineSignal<[{ budgetUsd: number }]>('weft.budget');
