/** Units a Weft duration may use, in milliseconds. */
const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** The textual form of a duration: `250ms`, `30s`, `5m`, `2h`, `1d` (decimals allowed). */
export const DURATION_PATTERN = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;

/**
 * The longest duration Weft takes, 100 years of 365 days (`36500d`), for
 * every duration: timeouts, retry intervals, sleeps, cache lifetimes,
 * schedule intervals. Temporal carries a duration as a protobuf Duration (at
 * most 10,000 years) and its server reads it as Go's `time.Duration`, which
 * ends at about 292 years (a longer one is silently cut to that): 100 years is
 * below both, so what Temporal keeps is what was written, and it is still
 * whole milliseconds exactly representable in a JavaScript number.
 */
export const MAX_DURATION_MS = 36_500 * UNIT_MS.d;
/** {@link MAX_DURATION_MS} as written in a definition. */
export const MAX_DURATION_TEXT = '36500d';

/**
 * Why a text is not a duration Weft takes, or undefined when it is one.
 * Schemas report this at the field; {@link parseDuration} throws it.
 */
export function durationProblem(text: string): string | undefined {
  const match = DURATION_PATTERN.exec(text.trim());
  if (!match) return 'must be a duration such as 250ms, 30s, 5m, 2h, 1d';
  if (Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS] > MAX_DURATION_MS) return `must be at most ${MAX_DURATION_TEXT} (100 years)`;
  return undefined;
}

/**
 * Converts a Weft duration string to milliseconds.
 * @throws RangeError when the text is not a duration or is longer than
 *   {@link MAX_DURATION_MS}; validation catches this earlier, except for a
 *   template resolved at run time (its node fails `CONFIG_INVALID`).
 */
export function parseDuration(text: string): number {
  const problem = durationProblem(text);
  if (problem) throw new RangeError(`${JSON.stringify(text)}: ${problem}`);
  const match = DURATION_PATTERN.exec(text.trim())!;
  return Math.round(Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS]);
}
