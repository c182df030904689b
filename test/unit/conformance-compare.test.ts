import { describe, expect, it } from 'vitest';
import { exactMismatch, subsetMismatch } from '../../src/conformance/compare.js';
import { compareRun } from '../../src/conformance/runner.js';
import type { RunSnapshot } from '../../src/dag/run-state.js';

describe('conformance comparison', () => {
  it('compares objects as subsets and arrays exactly', () => {
    expect(subsetMismatch({ a: 1 }, { a: 1, b: 2 })).toBeNull();
    expect(subsetMismatch({ a: { b: [1, 2] } }, { a: { b: [1, 2, 3] } })).toBe('/a/b: expected [1,2], got [1,2,3]');
    expect(subsetMismatch({ a: 1 }, null)).toMatch(/expected an object/);
  });

  it('compares exactly when asked', () => {
    expect(exactMismatch({ a: 1 }, { a: 1, b: 2 })).toBe('/b: expected nothing, got 2');
    expect(exactMismatch({ a: [1, { b: 'x' }] }, { a: [1, { b: 'x' }] })).toBeNull();
  });

  it('checks a run: status, costs within 1e-9, node statuses or subsets', () => {
    const run = {
      status: 'failed',
      degraded: false,
      costUsd: 2.0000000001,
      error: { code: 'BUDGET_EXCEEDED', message: 'm' },
      output: null,
      nodes: { a: { status: 'succeeded', attempts: 2 } },
    } as unknown as RunSnapshot;
    expect(compareRun({ status: 'failed', costUsd: 2, error: { code: 'BUDGET_EXCEEDED' }, nodes: { a: 'succeeded' } }, run)).toBeNull();
    expect(compareRun({ nodes: { a: { attempts: 3 } } }, run)).toBe('/nodes/a/attempts: expected 3, got 2');
    expect(compareRun({ costUsd: 2.1 }, run)).toMatch(/costUsd/);
    expect(compareRun({ status: 'succeeded' }, run)).toMatch(/status: expected succeeded, got failed/);
  });
});
