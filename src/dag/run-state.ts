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
