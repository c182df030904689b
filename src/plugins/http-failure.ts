import { retryAfterMs } from '../activities/retry-after.js';
import { FailureType } from '../dag/failure-types.js';
import type { PluginContext } from './types.js';

/** Longest part of an error body quoted in a failure message. */
const BODY_QUOTE = 500;

/**
 * Fails a shipped plugin's node for an HTTP error status, the way the built-in
 * providers do: 429 (or `rateLimited`) and 5xx are retried, after the server's
 * Retry-After when it gave one; 401/403 and other 4xx are not.
 */
export function failForStatus(ctx: PluginContext, service: string, response: Response, body: string, options: { rateLimited?: boolean; retryAfterMs?: number } = {}): never {
  const message = `${service} answered ${response.status}: ${body.slice(0, BODY_QUOTE)}`;
  const delay = options.retryAfterMs ?? retryAfterMs((name) => response.headers.get(name));
  const retryAfter = delay === undefined ? {} : { retryAfterMs: delay };
  if (response.status === 429 || options.rateLimited) return ctx.fail(FailureType.RateLimited, message, retryAfter);
  if (response.status >= 500) return ctx.fail(FailureType.ProviderUnavailable, message, retryAfter);
  if (response.status === 401 || response.status === 403) return ctx.fail(FailureType.ProviderAuth, message, { nonRetryable: true });
  return ctx.fail(FailureType.ProviderRejected, message, { nonRetryable: true });
}
