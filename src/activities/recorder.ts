import type { NodeExecutionsRepo } from '../db/node-executions-repo.js';
import type { NodeError, NodeStatus } from '../dag/run-state.js';
import type { Logger } from '../logger.js';
import type { AttemptInfo } from './attempt-observer.js';
import { withTimeout } from './with-timeout.js';

/** A database write that takes longer than this is abandoned; the run's end fills the row in. */
const RECORD_TIMEOUT_MS = 5_000;

/** Records the attempts of node activities. */
export interface ExecutionRecorder {
  begin(info: Pick<AttemptInfo, 'runId' | 'nodeId' | 'nodeAttempt' | 'fallback' | 'startedAt'>): AttemptRecord;
}

export interface AttemptRecord {
  succeeded(output: unknown, costUsd: number | null, detail: unknown): Promise<void>;
  failed(error: NodeError, detail: unknown): Promise<void>;
  cancelled(): Promise<void>;
}

/**
 * Writes one row per (run, node, attempt) as an attempt ends. Writes are
 * idempotent and best effort: a database outage must not fail (and so re-run)
 * the node's side effect, so a failed write is logged and left to the run's end,
 * which fills in every missing attempt once the database is back.
 */
export function createExecutionRecorder(deps: { executions: Pick<NodeExecutionsRepo, 'recordAttempt'>; logger: Logger }): ExecutionRecorder {
  return {
    begin({ runId, nodeId, nodeAttempt: attempt, fallback, startedAt }) {
      const write = async (status: NodeStatus, fields: { output?: unknown; error?: NodeError; costUsd?: number | null; detail?: unknown }) => {
        const row = { runId, nodeId, attempt, fallback, status, startedAt: new Date(startedAt), endedAt: new Date(), ...fields };
        try {
          await withTimeout(deps.executions.recordAttempt(row), RECORD_TIMEOUT_MS);
        } catch (err) {
          deps.logger.warn({ runId, nodeId, attempt, err: (err as Error).message }, 'could not record node attempt; the run will fill it in');
        }
      };
      return {
        succeeded: (output, costUsd, detail) => write('succeeded', { output, costUsd, detail }),
        failed: (error, detail) => write('failed', { error, detail }),
        cancelled: () => write('cancelled', { error: { type: 'CANCELLED', message: 'cancelled' } }),
      };
    },
  };
}
