import { describe, expect, it } from 'vitest';
import { compilePlan, DEFAULT_RETRY, planLevels, retryPolicy } from '../../src/dag/plan.js';
import type { Definition } from '../../src/dag/schema.js';

describe('plan', () => {
  it('merges retry layers over the contract default (3 attempts, 1s, x2, at most 1m)', () => {
    expect(retryPolicy()).toEqual(DEFAULT_RETRY);
    expect(retryPolicy({ maxAttempts: 5, initialInterval: '2s' }, { backoffCoefficient: 3, nonRetryable: ['X'] })).toEqual({
      maxAttempts: 5,
      initialIntervalMs: 2_000,
      backoffCoefficient: 3,
      maxIntervalMs: 60_000,
      nonRetryable: ['X'],
    });
  });

  it('merges defaults into nodes and computes levels and sinks', () => {
    const plan = compilePlan({
      apiVersion: 'weft/v1',
      name: 'p',
      defaults: { timeout: '30s', retry: { maxAttempts: 2 }, agent: { provider: 'offline', model: 'm' } },
      limits: { maxParallel: 4 },
      nodes: [
        { id: 'b', type: 'transform', needs: ['a'], output: 1, timeout: '1m' },
        { id: 'a', type: 'agent', agent: { prompt: 'p' } },
        { id: 'c', type: 'transform', needs: ['a', 'b'], output: 2 },
      ],
    } as Definition);
    const a = plan.byId.get('a')!;
    expect(a.spec).toMatchObject({ agent: { provider: 'offline', model: 'm', prompt: 'p' } });
    expect(a.timeoutMs).toBe(30_000);
    expect(a.retry.maxAttempts).toBe(2);
    expect(plan.byId.get('b')!.timeoutMs).toBe(60_000);
    expect(plan.maxParallel).toBe(4);
    expect(plan.sinks).toEqual(['c']);
    expect(planLevels(plan)).toEqual([['a'], ['b'], ['c']]);
    expect(a.dependents).toEqual(['b', 'c']);
  });
});
