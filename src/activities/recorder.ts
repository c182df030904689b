import { Context } from '@temporalio/activity';
import type { NodeExecutionsRepo } from '../db/node-executions-repo.js';
import type { NodeError } from '../dag/run-state.js';
import type { Logger } from '../logger.js';

/** A database write that takes longer than this is abandoned; the run's end fills the row in. */
const RECORD_TIMEOUT_MS = 5_000;

/** Records the attempts of the current activity. */
export interface ExecutionRecorder {
  begin(nodeId: string, attempt: number, fallback: number | null): AttemptRecord;
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
export function createExecutionRecorder(deps: { executions: NodeExecutionsRepo; logger: Logger }): ExecutionRecorder {
  return {
    begin(nodeId, attempt, fallback) {
      const runId = Context.current().info.workflowExecution?.workflowId ?? 'unknown';
      const startedAt = new Date();
      const write = async (status: string, fields: { output?: unknown; error?: NodeError; costUsd?: number | null; detail?: unknown }) => {
        const row = { runId, nodeId, attempt, fallback, status, startedAt, endedAt: new Date(), ...fields };
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

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms}ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
