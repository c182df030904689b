import type { Info } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../dag/failure-types.js';
import type { FailureDetails } from './contract.js';
import { scrubSecrets } from './secrets.js';

/**
 * The failure an attempt ends with: the body's, with `{attempt}` as its first
 * detail (where the workflow reads it to count attempts) and every revealed
 * secret scrubbed from its message and details. Type, retryability and retry
 * delay are kept; the cause only when no secret was in play, since its message
 * and stack are not scrubbed.
 */
export function attemptFailure(failure: ApplicationFailure, attempt: number, secrets: readonly string[]): ApplicationFailure {
  const details: FailureDetails = { attempt };
  return ApplicationFailure.create({
    type: failure.type ?? FailureType.Internal,
    message: scrubSecrets(failure.message, secrets),
    nonRetryable: failure.nonRetryable ?? false,
    details: [details, ...scrubSecrets(failure.details ?? [], secrets)],
    ...(failure.nextRetryDelay === undefined ? {} : { nextRetryDelay: failure.nextRetryDelay }),
    ...(secrets.length === 0 && failure.cause ? { cause: failure.cause } : {}),
  });
}

/**
 * Whether Temporal will run another attempt after this failure, from what the
 * activity info exposes: the failure's retryability and the retry policy's
 * non-retryable types and maximum attempts (0 or absent: unlimited).
 */
export function willRetry(failure: ApplicationFailure, info: Pick<Info, 'attempt' | 'retryPolicy'>): boolean {
  if (failure.nonRetryable) return false;
  const policy = info.retryPolicy;
  if (failure.type && policy?.nonRetryableErrorTypes?.includes(failure.type)) return false;
  return !policy?.maximumAttempts || info.attempt < policy.maximumAttempts;
}
