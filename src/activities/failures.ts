import { ApplicationFailure } from '@temporalio/common';
import type { FailureDetails } from './contract.js';

/**
 * Builds the failure an activity throws: typed from the one catalogue (or a
 * user-supplied type), with the attempt in the details so the workflow can count.
 */
export function activityFailure(input: { type: string; message: string; nonRetryable?: boolean; attempt: number; cause?: Error; nextRetryDelayMs?: number | undefined }): ApplicationFailure {
  const details: FailureDetails = { attempt: input.attempt };
  return ApplicationFailure.create({
    type: input.type,
    message: input.message,
    nonRetryable: input.nonRetryable ?? false,
    details: [details],
    cause: input.cause,
    ...(input.nextRetryDelayMs === undefined ? {} : { nextRetryDelay: input.nextRetryDelayMs }),
  });
}
