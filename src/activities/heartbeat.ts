import type { Context } from '@temporalio/activity';

/**
 * Heartbeats on a timer while an attempt is in flight, so cancellation reaches the
 * activity and a dead worker is noticed within the heartbeat timeout. `details`
 * is read at every beat, so what the body heartbeated last rides along (it is
 * what the next attempt sees).
 */
export function keepHeartbeating(ctx: Context, details: () => unknown): () => void {
  const timeoutMs = ctx.info.heartbeatTimeoutMs;
  if (!timeoutMs) return () => {};
  ctx.heartbeat(details());
  // At least every second: cancellation arrives with a heartbeat's answer (the SDK throttles the sends).
  const timer = setInterval(() => ctx.heartbeat(details()), Math.min(1_000, Math.max(200, Math.floor(timeoutMs / 3))));
  return () => clearInterval(timer);
}
