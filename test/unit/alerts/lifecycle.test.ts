import { describe, expect, it } from 'vitest';
import { step, type AlertRecord, type Condition } from '../../../src/alerts/lifecycle.js';

const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
const timing = { forMs: 10_000, repeatIntervalMs: 60_000, groupMs: 0 };
const cond = (count = 1): Condition => ({ fingerprint: 'f', ruleId: 'r', labels: { workflow: 'w' }, summary: 's', evidence: {}, value: 1, count });

/** Steps an alert through conditions at the given seconds; returns each step's notice state. */
function walk(points: [number, Condition | undefined, boolean?][], rule = timing): (string | null)[] {
  let alert: AlertRecord | undefined;
  return points.map(([s, c, silenced]) => {
    const r = step(alert, c, rule, t(s), silenced ?? false);
    if (r) alert = r.next;
    return r?.notice?.state ?? null;
  });
}

describe('alert lifecycle', () => {
  it('pending until `for` elapses, then firing once, then resolved once', () => {
    expect(walk([[0, cond()], [5, cond()], [10, cond()], [20, cond()], [30, undefined], [40, undefined]])).toEqual([null, null, 'firing', null, 'resolved', null]);
  });
  it('a condition gone before `for` resolves without a word', () => {
    expect(walk([[0, cond()], [5, undefined], [6, undefined]])).toEqual([null, null, null]);
  });
  it('repeats every repeatInterval while firing', () => {
    expect(walk([[0, cond()], [10, cond()], [69, cond()], [70, cond()], [100, cond()], [130, cond()]])).toEqual([null, 'firing', null, 'firing', null, 'firing']);
  });
  it('a silence holds the firing and the resolve; its end releases what receivers miss', () => {
    expect(walk([[0, cond(), true], [10, cond(), true], [20, cond(), false], [30, undefined, true], [40, undefined, false], [50, undefined, false]])).toEqual([null, null, 'firing', null, 'resolved', null]);
  });
  it('a resolve held by a silence that ends with the alert already quiet is still sent', () => {
    expect(walk([[0, cond()], [10, cond()], [20, undefined, true], [30, undefined, false]])).toEqual([null, 'firing', null, 'resolved']);
  });
  it('groups: a grown count is told again once the group window has passed', () => {
    const grouped = { ...timing, forMs: 0, groupMs: 60_000 };
    expect(walk([[0, cond(1)], [10, cond(2)], [30, cond(3)], [60, cond(3)], [70, cond(3)]], grouped)).toEqual(['firing', null, null, 'firing', null]);
  });
  it('keys name the alert, the state, the firing start and the repeat', () => {
    const first = step(undefined, cond(), { ...timing, forMs: 0 }, t(0), false)!;
    expect(first.notice!.key).toBe(`f:firing:${t(0).toISOString()}:1`);
    const resolved = step(first.next, undefined, timing, t(5), false)!;
    expect(resolved.notice!.key).toBe(`f:resolved:${t(0).toISOString()}`);
  });
});
