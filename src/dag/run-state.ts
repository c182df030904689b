/** Node states (contract 3.1). */
export const nodeStatuses = ['pending', 'running', 'waiting', 'succeeded', 'failed', 'skipped', 'cancelled'] as const;
export type NodeStatus = (typeof nodeStatuses)[number];

/** Run states (contract 3.1). */
export const runStatuses = ['running', 'paused', 'succeeded', 'failed', 'cancelled', 'timed_out'] as const;
export type RunStatus = (typeof runStatuses)[number];

export type SkippedReason = 'condition' | 'branch' | 'upstream' | 'onFailure';

const TERMINAL_RUN: ReadonlySet<RunStatus> = new Set(['succeeded', 'failed', 'cancelled', 'timed_out']);

export function isTerminalRun(status: RunStatus): boolean {
  return TERMINAL_RUN.has(status);
}

export interface NodeError {
  type: string;
  message: string;
}

/** Which plugin, at which version, ran a plugin node. */
export interface PluginStamp {
  name: string;
  version: string;
}

/** What a run knows of one node (contract 3.1). */
export interface NodeRecord {
  status: NodeStatus;
  attempts: number;
  startedAt: string | null;
  endedAt: string | null;
  output: unknown;
  error: NodeError | null;
  costUsd: number | null;
  degraded: boolean;
  fallback: number | null;
  skippedReason: SkippedReason | null;
  /** Set on plugin nodes that ran. */
  plugin?: PluginStamp;
  /** Set on a re-run's node that kept the output it had in an earlier run instead of running (contract weft-ops §6). */
  reused?: boolean;
  /** The run whose output a reused node kept. */
  reusedFrom?: string;
  /** An agent node's tool calls waiting for a decision (weft-agents 3.2). */
  pendingToolCalls?: PendingToolCall[];
}

/** A tool call waiting for a person (weft-agents 3.2). */
export interface PendingToolCall {
  callId: string;
  /** As the model names it. */
  tool: string;
  args: unknown;
  turn: number;
  requestedAt: string;
  /** Set when a sub-agent made the call: the path of calls under which it runs (`<callId>/`). */
  scope?: string;
}

/** What a re-run keeps from the run it repeats: the outputs of nodes that succeeded there and need not run again. */
export interface RunReuse {
  /** The run the outputs come from. */
  from: string;
  /** Output by node id. */
  outputs: Record<string, unknown>;
}

export interface RunError {
  code: string;
  message: string;
  node?: string;
}

/** A run as the API shows it (`GET /runs/{id}`). */
export interface RunSnapshot {
  id: string;
  workflow: string;
  version: number | null;
  status: RunStatus;
  degraded: boolean;
  input: unknown;
  output: unknown;
  error: RunError | null;
  costUsd: number;
  startedAt: string;
  endedAt: string | null;
  nodes: Record<string, NodeRecord>;
}

/** A fresh record for a node that has not started. */
export function pendingRecord(): NodeRecord {
  return {
    status: 'pending',
    attempts: 0,
    startedAt: null,
    endedAt: null,
    output: null,
    error: null,
    costUsd: null,
    degraded: false,
    fallback: null,
    skippedReason: null,
  };
}

/**
 * A run's node records in definition order: this execution's (`live`) over the
 * stored ones, and pending for nodes neither holds. Records of nodes the
 * definition does not list (none, unless it is missing) follow at the end.
 */
export function assembleNodes(order: readonly string[], stored: ReadonlyMap<string, NodeRecord>, live: Readonly<Record<string, NodeRecord>>): Record<string, NodeRecord> {
  const nodes: Record<string, NodeRecord> = {};
  for (const id of order) nodes[id] = live[id] ?? stored.get(id) ?? pendingRecord();
  for (const [id, record] of stored) nodes[id] ??= live[id] ?? record;
  for (const [id, record] of Object.entries(live)) nodes[id] ??= record;
  return nodes;
}

/** One character per node status, so a 10,000-node run's progress fits in 10 kB. */
const STATUS_CODES: Record<NodeStatus, string> = { pending: 'p', running: 'r', waiting: 'w', succeeded: 's', failed: 'f', skipped: 'k', cancelled: 'c' };
const STATUS_BY_CODE = new Map(Object.entries(STATUS_CODES).map(([status, code]) => [code, status as NodeStatus]));

/** Encodes node statuses, in plan order, one character each. */
export function encodeStatuses(statuses: readonly NodeStatus[]): string {
  return statuses.map((s) => STATUS_CODES[s]).join('');
}

/** Decodes what `encodeStatuses` wrote. */
export function decodeStatuses(codes: string): NodeStatus[] {
  return [...codes].map((c) => {
    const status = STATUS_BY_CODE.get(c);
    if (!status) throw new Error(`unknown node status code ${JSON.stringify(c)}`);
    return status;
  });
}

/**
 * History events after which a run stops starting nodes, lets the running ones
 * finish and continues as new. Nodes add about 6 events each and at most 500
 * run at once (`limits.maxParallel`), so an execution stays far below
 * Temporal's 10,240-event warning.
 */
export const SEGMENT_EVENTS = 5_000;

/**
 * What a run carries into its next execution when it continues as new: the
 * settled nodes' records are in the database by then, so only their statuses
 * and the outputs something may still read travel on.
 */
export interface RunCarry {
  /** When the run (its first execution) started. */
  startedAt: string;
  /** Every node's status in plan order (`encodeStatuses`); settled nodes' records are stored. */
  statuses: string;
  /** Outputs of settled nodes that unsettled nodes or the run output may read, when they are small. */
  outputs: Record<string, unknown>;
  /** Otherwise the ids of those nodes, in chunks to load from their stored records. */
  storedOutputs?: string[][];
  /** Cost so far, USD. */
  spent: number;
  /** `limits.budgetUsd` as the run has it now (a signal may have raised it). */
  budgetUsd?: number;
  paused: boolean;
  /** Whether any stored node was degraded. */
  degraded: boolean;
}
