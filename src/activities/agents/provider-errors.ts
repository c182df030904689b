import type { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../../dag/failure-types.js';
import { activityFailure } from '../failures.js';
import { retryAfterMs } from '../retry-after.js';

interface SdkError {
  status?: number;
  headers?: Headers | Record<string, string>;
  message?: string;
  name?: string;
}

/**
 * Maps a vendor SDK error to a typed failure: 429 is retried after the server's
 * retry-after (as the retry's next delay); 5xx, 529 (overloaded) and connection
 * failures are retried on the node's policy; 401/403 and other 4xx are not.
 */
export function providerFailure(err: unknown, provider: string): ApplicationFailure {
  const e = err as SdkError;
  const status = typeof e.status === 'number' ? e.status : undefined;
  const message = `${provider}: ${e.message ?? String(err)}`;
  if (status === 429) {
    return activityFailure({ type: FailureType.RateLimited, message, nextRetryDelayMs: retryAfterMs((name) => header(e.headers, name)) });
  }
  if (status === undefined || status >= 500) return activityFailure({ type: FailureType.ProviderUnavailable, message });
  if (status === 401 || status === 403) return activityFailure({ type: FailureType.ProviderAuth, message, nonRetryable: true });
  return activityFailure({ type: FailureType.ProviderRejected, message, nonRetryable: true });
}

/**
 * Makes a vendor request, mapping the SDK's errors to typed failures; a
 * cancellation (the activity's signal aborted) stays as it is.
 */
export async function sending<T>(provider: string, signal: AbortSignal, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (err) {
    if (signal.aborted) throw err;
    throw providerFailure(err, provider);
  }
}

function header(headers: SdkError['headers'], name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  return (headers as Record<string, string>)[name];
}
