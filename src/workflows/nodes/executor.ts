import type { AgentEventInit } from '../../dag/agent-events.js';
import type { NodesView } from '../../dag/bindings.js';
import type { NodeOutcome } from '../../dag/outcome.js';
import type { PendingToolCall } from '../../dag/run-state.js';
import type { NodeKind, PlanNodeOf } from '../../dag/plan.js';
import type { Definition } from '../../dag/schema.js';
import type { HookName } from '../../plugins/contract.js';
import type { ApprovalDecision } from '../messages.js';

/** What a node's executor knows of its run besides the node. */
export interface RunContext {
  /** The run's workflow id; child runs are named after it. */
  runId: string;
  definition: Definition;
  input: unknown;
  /** The plugin hooks the run delivers, which its child runs deliver too. */
  hooks?: HookName[] | undefined;
  /** The interpreter revision the run started on, which its child runs start on too. */
  engine?: number | undefined;
  /** Whether the run has been cancelled (a node's own time limit did not end it then). */
  cancelled(): boolean;
  /** The run-wide parallelism limit. */
  maxParallel: number;
  /** Shows the node as `waiting` (an approval, a sleep), with what people should see meanwhile. */
  wait(nodeId: string, output?: unknown): void;
  /** Shows an agent node's tool calls that wait for a decision (none: it runs again). */
  waitCalls(nodeId: string, calls: PendingToolCall[]): void;
  /** Reports an agent loop's turn or call on the run's event stream (a run's own top-level nodes only; no history). */
  agentEvent(nodeId: string, event: AgentEventInit): void;
  /** Whether the run is paused: an agent loop starts no new turn meanwhile. */
  paused(): boolean;
  /** Reports how far a map or loop node has come (the live event streams). */
  progress(nodeId: string, done: number, total: number): void;
  /** The decision on an approval node or a tool call (`decisionKey`), or null when `timeoutMs` passes first. */
  awaitDecision(key: string, timeoutMs: number | undefined): Promise<ApprovalDecision | null>;
  /** The nodes this run's expressions can see now (a child run's inherited ones too). */
  nodes(): NodesView;
  /** What is left of `limits.budgetUsd`, for child runs. */
  remainingBudgetUsd(): number | undefined;
}

/**
 * Runs one node of kind `K` against its bindings (what its expressions see)
 * and reports how it ended. Executors never throw for a node's own failure:
 * they return a failed outcome (`src/dag/outcome.ts`); only cancellation
 * propagates as a throw (or a rejection). An outcome known without waiting
 * may be returned as it is: every promise workflow code creates costs the
 * SDK a captured stack trace.
 */
export type NodeExecutor<K extends NodeKind> = (node: PlanNodeOf<K>, bindings: object, run: RunContext) => Promise<NodeOutcome> | NodeOutcome;
