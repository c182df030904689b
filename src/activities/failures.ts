import { ApplicationFailure } from '@temporalio/common';

/** What an activity body says about a failure; the attempt envelope adds the attempt. */
export interface FailureSpec {
  /** A type of the `FailureType` catalogue, or a user-supplied one (an offline mock's `error.type`) passed through. */
  type: string;
  message: string;
  nonRetryable?: boolean;
  cause?: Error;
  /** The server's retry-after, so the next attempt waits for it instead of the policy's interval. */
  nextRetryDelayMs?: number | undefined;
}

/**
 * Builds the typed failure an activity body throws. It carries no attempt: the
 * envelope (`runAttempt`) reads that from the activity context and attaches it.
 */
export function activityFailure(spec: FailureSpec): ApplicationFailure {
  return ApplicationFailure.create({
    type: spec.type,
    message: spec.message,
    nonRetryable: spec.nonRetryable ?? false,
    cause: spec.cause,
    ...(spec.nextRetryDelayMs === undefined ? {} : { nextRetryDelay: spec.nextRetryDelayMs }),
  });
}
