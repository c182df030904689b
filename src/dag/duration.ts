/** Units a Weft duration may use, in milliseconds. */
const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** The textual form of a duration: `250ms`, `30s`, `5m`, `2h`, `1d` (decimals allowed). */
export const DURATION_PATTERN = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;

/**
 * Converts a Weft duration string to milliseconds.
 * @throws RangeError when the text is not a duration; validation catches this earlier.
 */
export function parseDuration(text: string): number {
  const match = DURATION_PATTERN.exec(text.trim());
  if (!match) throw new RangeError(`not a duration: ${JSON.stringify(text)} (use e.g. 250ms, 30s, 5m, 2h, 1d)`);
  return Math.round(Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS]);
}
