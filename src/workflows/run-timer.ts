import { CancellationScope, sleep } from '@temporalio/workflow';
import { parseDuration } from '../dag/duration.js';

/**
 * A durable timer for `limits.timeout`, measured from the run's start (which an
 * earlier execution may have made): calls `onTimeout` when it passes. Cancel
 * the returned scope when the run ends first. No timeout, no timer.
 */
export function startRunTimer(timeout: string | undefined, startedAt: string, onTimeout: (timeout: string) => void): CancellationScope | undefined {
  if (!timeout) return undefined;
  const left = parseDuration(timeout) - (Date.now() - Date.parse(startedAt));
  const scope = new CancellationScope();
  scope.run(() => sleep(Math.max(left, 1))).then(
    () => onTimeout(timeout),
    () => {},
  );
  return scope;
}
