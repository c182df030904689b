/**
 * Reads a retry-after hint (`retry-after-ms`, or `retry-after` in seconds or as
 * an HTTP date) into milliseconds, capped so a hostile server cannot park a node
 * for days.
 */
export function retryAfterMs(get: (name: string) => string | null | undefined, now = Date.now(), capMs = 10 * 60_000): number | undefined {
  const ms = Number(get('retry-after-ms'));
  if (Number.isFinite(ms) && ms > 0) return Math.min(ms, capMs);
  const value = get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, capMs);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.min(Math.max(date - now, 0), capMs);
}
