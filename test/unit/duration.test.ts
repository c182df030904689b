import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/dag/duration.js';

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
});
