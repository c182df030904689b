import { ActivityFailure, ApplicationFailure, TimeoutFailure, isCancellation } from '@temporalio/workflow';
import { FailureType } from '../dag/failure-types.js';
import { nodeErrorOf } from '../dag/node-error.js';
import type { NodeError } from '../dag/run-state.js';
import type { FailureDetails } from '../activities/contract.js';

/** How one try of a node (the primary config, or a fallback) ended in failure. */
export interface TryFailure {
  error: NodeError;
  attempts: number;
  cancelled: boolean;
}

/**
 * Reads a failed activity call: its error for the node record and how many
 * attempts it used. Weft activities report their attempt in the failure's
 * details; a timed-out last attempt has none, but then the retry state tells
 * whether the policy's attempts were spent. A local activity's failure has no
 * such retry state, but an attempt's timeout (start to close) is always
 * retried, so when it ends the call the attempts were spent.
 */
export function describeFailure(err: unknown, maxAttempts: number): TryFailure {
  if (isCancellation(err)) return { error: { type: FailureType.Cancelled, message: 'cancelled' }, attempts: 1, cancelled: true };
  if (err instanceof ActivityFailure) {
    const cause = err.cause;
    const details = cause instanceof ApplicationFailure ? (cause.details?.[0] as FailureDetails | undefined) : undefined;
    const spent = err.retryState === 'MAXIMUM_ATTEMPTS_REACHED' || (cause instanceof TimeoutFailure && cause.timeoutType === 'START_TO_CLOSE');
    const attempts = details?.attempt ?? (spent ? maxAttempts : 1);
    return { error: errorOf(cause ?? err), attempts, cancelled: false };
  }
  return { error: errorOf(err), attempts: 1, cancelled: false };
}

/** A node error from any thrown value: Temporal's failures here, the rest as pure code reads them. */
export function errorOf(err: unknown): NodeError {
  if (err instanceof ApplicationFailure) return { type: err.type ?? 'Error', message: err.message };
  if (err instanceof TimeoutFailure) return { type: FailureType.Timeout, message: `attempt timed out (${err.timeoutType ?? 'timeout'})` };
  return nodeErrorOf(err);
}
