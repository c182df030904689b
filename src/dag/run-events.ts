import type { AgentRunEvent, StoredAgentEventData } from './agent-events.js';
import type { NodeRecord, RunError, RunStatus } from './run-state.js';

/** A `node` event (contract weft-ops §1): one top-level node's state after a change. */
export interface NodeEventData {
  runId: string;
  nodeId: string;
  status: NodeRecord['status'];
  attempts: number;
  startedAt: string | null;
  endedAt: string | null;
  costUsd: number | null;
  degraded: boolean;
  skippedReason: NodeRecord['skippedReason'];
  error: NodeRecord['error'];
  /** `{done, total}` for map and loop nodes; null for the others. */
  progress: { done: number; total: number } | null;
}

/** A `run` event: the run's state after a change, with the summary `GET /runs` lists. */
export interface RunEventData {
  runId: string;
  workflow: string;
  version: number | null;
  status: RunStatus;
  degraded: boolean;
  costUsd: number;
  error: RunError | null;
  startedAt: string;
  endedAt: string | null;
}

/** One event to store: what it says, and the key that makes writing it twice a no-op. */
export type RunEvent =
  | { kind: 'node'; dedup: string; data: NodeEventData }
  | { kind: 'run'; dedup: string; data: RunEventData }
  /** An agent loop's turn or call (`agent-events.ts`). */
  | AgentRunEvent;

/** The `node` event of a record; a node reaches each status once, so the status names the change. */
export function nodeEvent(runId: string, nodeId: string, record: NodeRecord): RunEvent & { kind: 'node' } {
  const { status, attempts, startedAt, endedAt, costUsd, degraded, skippedReason, error } = record;
  return {
    kind: 'node',
    dedup: `${runId}:node:${nodeId}:${status}`,
    data: { runId, nodeId, status, attempts, startedAt, endedAt, costUsd, degraded, skippedReason, error, progress: null },
  };
}

/** A `node` event of a map or loop node that runs: how far it has come. */
export function progressEvent(runId: string, nodeId: string, record: NodeRecord, done: number, total: number): RunEvent {
  const { data } = nodeEvent(runId, nodeId, record);
  return { kind: 'node', dedup: `${runId}:node:${nodeId}:progress:${done}`, data: { ...data, progress: { done, total } } };
}

/**
 * A `run` event. `change` names it among the run's changes: `start`, `end`, or
 * a counter the workflow keeps for pauses and resumes.
 */
export function runEvent(data: RunEventData, change: string): RunEvent {
  return { kind: 'run', dedup: `${data.runId}:run:${change}`, data };
}

/**
 * The stored `agent` event (here, not beside its zod schema in agent-events.ts:
 * the workflow builds it, and zod would be evaluated at every workflow start). Its dedup key names the change (a turn starts and
 * ends once per scope, a call is asked for, waits and settles once, an attempt
 * starts once), so a retried workflow task or activity stores nothing twice.
 */
export function agentEvent(data: StoredAgentEventData): AgentRunEvent {
  const what = 'callId' in data ? `:${data.callId}` : 'attempt' in data ? `:${data.attempt}` : '';
  return { kind: 'agent', dedup: `${data.runId}:agent:${data.nodeId}:${data.scope}${data.turn}:${data.kind}${what}`, data };
}
