import type { NodeError, PluginStamp } from './run-state.js';

/**
 * How a node's execution ended, before the run applies `onFailure` (contract
 * 3.3). Built only by the constructors below, so every executor reports the
 * same shape.
 */
export type NodeOutcome = NodeSucceeded | NodeFailed | NodeConditionFalse;

export interface NodeSucceeded {
  kind: 'succeeded';
  output: unknown;
  /** Every attempt the node used, fallbacks included. */
  attempts: number;
  costUsd: number | null;
  /** Index of the fallback entry that succeeded, or null for the primary. */
  fallback: number | null;
  /** A switch's branches not taken: skipped with reason `branch`. */
  notTaken?: string[];
  /** The plugin that ran a plugin node. */
  plugin?: PluginStamp;
}

export interface NodeFailed {
  kind: 'failed';
  error: NodeError;
  attempts: number;
  /** Cancelled (the run was cancelled or failed fast) rather than failed on its own. */
  cancelled: boolean;
  /** What the node spent before failing (a child run's nodes). */
  costUsd?: number;
}

/** `when` was false: the node is skipped with reason `condition`. */
export interface NodeConditionFalse {
  kind: 'condition-false';
}

/** A node that succeeded; one attempt, no cost, no fallback unless given. */
export function succeeded(output: unknown, extra: Partial<Omit<NodeSucceeded, 'kind' | 'output'>> = {}): NodeSucceeded {
  return { kind: 'succeeded', output, attempts: 1, costUsd: null, fallback: null, ...extra };
}

/** A node that failed with `error`; one attempt unless given. */
export function failed(error: NodeError, extra: { attempts?: number; costUsd?: number | null } = {}): NodeFailed {
  const { attempts = 1, costUsd = null } = extra;
  return { kind: 'failed', error, attempts, cancelled: false, ...(costUsd === null ? {} : { costUsd }) };
}

/** A node cancelled while it ran, after `attempts` attempts. */
export function cancelled(error: NodeError, attempts: number): NodeFailed {
  return { kind: 'failed', error, attempts, cancelled: true };
}

/** A node whose `when` was false. */
export const conditionFalse: NodeConditionFalse = { kind: 'condition-false' };
