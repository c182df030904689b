import { describe, expect, it } from 'vitest';
import { durationProblem, MAX_DURATION_MS, parseDuration } from '../../src/dag/duration.js';

describe('durations', () => {
  it.each([
    ['250ms', 250],
    ['30s', 30_000],
    ['5m', 300_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
    ['1.5s', 1_500],
  ])('parses %s', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', '5', 's', '5 min', '-1s', '1w'])('refuses %j', (text) => expect(() => parseDuration(text)).toThrow(RangeError));

  it('takes at most 100 years, in any unit, and names the maximum beyond it', () => {
    expect(MAX_DURATION_MS).toBe(100 * 365 * 86_400_000);
    for (const text of ['36500d', '876000h', '52560000m', '3153600000s', '3153600000000ms']) expect(parseDuration(text), text).toBe(MAX_DURATION_MS);
    for (const text of ['36500.01d', '876001h', '9999999999999999s', '99999999999999999d', '88651663261007161h']) {
      expect(durationProblem(text), text).toBe('must be at most 36500d (100 years)');
      expect(() => parseDuration(text), text).toThrow(new RangeError(`${JSON.stringify(text)}: must be at most 36500d (100 years)`));
    }
  });
});
