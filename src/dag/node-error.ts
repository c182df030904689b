import { ExpressionError } from './expressions.js';
import { FailureType } from './failure-types.js';
import type { NodeError } from './run-state.js';

/**
 * A node error from a value thrown by pure code: an expression that failed, a
 * bad duration (RangeError), anything else as INTERNAL. Temporal's failures are
 * read by the workflow's `errorOf`, which falls back to this.
 */
export function nodeErrorOf(err: unknown): NodeError {
  if (err instanceof ExpressionError) return { type: FailureType.ExpressionError, message: `${err.message} in ${JSON.stringify(err.expression)}` };
  if (err instanceof RangeError) return { type: FailureType.ConfigInvalid, message: err.message };
  if (err instanceof Error) return { type: FailureType.Internal, message: err.message };
  return { type: FailureType.Internal, message: String(err) };
}
