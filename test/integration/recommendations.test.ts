import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentNode, createHarness, definition, VIEWER_KEY, type Harness } from '../support/harness.js';
import { expectResponsesMatchDocument } from '../support/openapi-conformance.js';
import { seedRun, type SeedNode } from '../support/seed-runs.js';

/**
 * GET /analytics/recommendations (weft-ops §7): each kind from a workload that
 * must produce it and one that must not. Failing nodes come from real runs;
 * the other workloads (many runs, long nodes) are written through the repositories.
 */
let h: Harness;

const chain3 = (name: string, extra: Record<string, unknown> = {}) =>
  definition(name, [{ id: 'n1', type: 'transform', output: 1 }, { id: 'n2', type: 'transform', needs: ['n1'], output: 2 }, { id: 'n3', type: 'transform', needs: ['n2'], output: 3 }], extra);
/** Three chained nodes of 100 ms each: none dominates the run. */
const even = (n1: Partial<SeedNode> = {}, n2: Partial<SeedNode> = {}): Record<string, SeedNode> => ({ n1: { start: 0, end: 100, ...n1 }, n2: { start: 100, end: 200, ...n2 }, n3: { start: 200, end: 300 } });

const agentSpec = (extra: Record<string, unknown> = {}) => ({ id: 'n', type: 'agent', agent: { provider: 'offline', prompt: 'same question' }, ...extra });
const attempt = (attempt: number, model: string, status: 'succeeded' | 'failed', costUsd: number | null, extra: Record<string, unknown> = {}) => ({
  attempt,
  status,
  costUsd,
  fallback: null,
  endedAt: new Date(),
  detail: { model, prompt: 'same question', system: null },
  ...extra,
});

async function seedMany(count: number, def: Record<string, unknown>, nodes: (i: number) => Record<string, SeedNode>, status: (i: number) => 'succeeded' | 'failed' = () => 'succeeded') {
  for (let i = 0; i < count; i++) await seedRun(h.repos, def, nodes(i), { status: status(i) });
}

beforeAll(async () => {
  h = await createHarness();
  const failing = definition('failing-yes', [agentNode('flop', { failAlways: true }, { retry: { maxAttempts: 1 } })]);
  const real = await Promise.all([1, 2, 3].map(() => h.startRun(failing)));
  await Promise.all(real.map((id) => h.finished(id)));

  // One failure and one retried success in ten runs: below every threshold.
  await seedMany(10, chain3('steady'), (i) => even({ attempts: i === 1 ? 2 : 1 }, i === 0 ? { status: 'failed' } : {}), (i) => (i === 0 ? 'failed' : 'succeeded'));
  await seedMany(4, chain3('flaky-yes'), (i) => even({ attempts: i < 2 ? 2 : 1 }));
  await seedMany(3, definition('slow-yes', [{ id: 'a', type: 'transform', output: 1 }, { id: 'b', type: 'transform', needs: ['a'], output: 2 }]), () => ({ a: { start: 0, end: 100 }, b: { start: 100, end: 5000 } }));

  // The primary model fails half the time; the fallback always succeeds: 10x cheaper (yes) or 10% cheaper (no).
  for (const [name, smallCost] of [['models-yes', 0.1], ['models-no', 0.9]] as const) {
    await seedMany(6, definition(name, [agentSpec()]), (i) => ({
      n: { start: 0, end: 100, executions: i < 3 ? [attempt(1, 'big', 'failed', null), attempt(2, 'small', 'succeeded', smallCost, { fallback: 0 })] : [attempt(1, 'big', 'succeeded', 1)] },
    }));
  }
  // The same prompt in every run: without cache (yes), with it (no).
  await seedMany(4, definition('cache-yes', [agentSpec()]), () => ({ n: { start: 0, end: 100, executions: [attempt(1, 'm', 'succeeded', 0.01)] } }));
  await seedMany(4, definition('cache-no', [agentSpec({ cache: { ttl: '1h' } })]), () => ({ n: { start: 0, end: 100, executions: [attempt(1, 'm', 'succeeded', 0.01)] } }));
  // x and y are ready at once; with maxParallel 1, y waits a second (yes); side by side, nothing waits (no).
  const wide = (name: string) => definition(name, [{ id: 'x', type: 'transform', output: 1 }, { id: 'y', type: 'transform', output: 2 }, { id: 'z', type: 'transform', needs: ['x', 'y'], output: 3 }], { limits: { maxParallel: 1 } });
  await seedMany(4, wide('wide-yes'), () => ({ x: { start: 0, end: 1000 }, y: { start: 1000, end: 2000 }, z: { start: 2000, end: 2000 } }));
  await seedMany(4, wide('wide-no'), () => ({ x: { start: 0, end: 1000 }, y: { start: 0, end: 1000 }, z: { start: 1000, end: 1000 } }));
  // $1 spent this period against $0.50 (yes) and $1000 (no).
  for (const [name, limitUsd] of [['budget-yes', 0.5], ['budget-no', 1000]] as const) {
    await seedRun(h.repos, definition(name, [agentSpec()]), { n: { start: 0, end: 100, costUsd: 1, executions: [attempt(1, 'm', 'succeeded', 1, { detail: { model: 'm', prompt: `${name}` } })] } });
    expect((await h.api('PUT', `/api/v1/budgets/${name}`, { period: 'month', limitUsd })).status).toBe(200);
  }
});

afterAll(async () => {
  await h?.close();
});

async function advice(workflow: string): Promise<{ kind: string; node: string | null; severity: string; evidence: Record<string, unknown>; suggestion: string }[]> {
  const res = await h.api('GET', `/api/v1/analytics/recommendations?workflow=${workflow}`, undefined, { key: VIEWER_KEY });
  expect(res.status).toBe(200);
  expect(res.body.nextCursor).toBeNull();
  return res.body.items;
}
const kinds = async (workflow: string) => (await advice(workflow)).map((i) => `${i.kind}:${i.node ?? '-'}`).sort();

describe('recommendations', () => {
  it('failing_node: a node that failed in every real run, not one that failed once in ten', async () => {
    const items = await advice('failing-yes');
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ kind: 'failing_node', node: 'flop', severity: 'high', evidence: { executions: 3, failed: 3, share: 1 }, suggestion: expect.stringContaining('flop') });
    expect(await kinds('steady')).toEqual([]);
  });

  it('flaky_node: a node that needed retries in half the runs, not in one of ten', async () => {
    expect(await kinds('flaky-yes')).toEqual(['flaky_node:n1']);
    expect((await advice('flaky-yes'))[0]!.evidence).toMatchObject({ executions: 4, succeededAfterRetry: 2, share: 0.5, attemptsMean: 1.5 });
  });

  it('slow_node: the node that takes most of the critical path, not its short neighbour', async () => {
    const items = await advice('slow-yes');
    expect(items.map((i) => `${i.kind}:${i.node}`)).toEqual(['slow_node:b']);
    expect(items[0]!.evidence).toMatchObject({ executions: 3, p95Ms: 4900, runP95Ms: 5000, onCriticalPath: 1 });
  });

  it('cheaper_model: a fallback model as reliable and far cheaper, not one barely cheaper', async () => {
    const [item] = (await advice('models-yes')).filter((i) => i.kind === 'cheaper_model');
    expect(item).toMatchObject({ node: 'n', evidence: { model: 'big', modelAttempts: 6, modelSuccessRate: 0.5, modelMeanCostUsd: 1, cheaperModel: 'small', cheaperAttempts: 3, cheaperSuccessRate: 1, cheaperMeanCostUsd: expect.closeTo(0.1) } });
    expect((await advice('models-no')).filter((i) => i.kind === 'cheaper_model')).toEqual([]);
  });

  it('cache_candidate: a prompt that recurs on a node without cache, not on one with it', async () => {
    const items = await advice('cache-yes');
    expect(items.map((i) => i.kind)).toEqual(['cache_candidate']);
    expect(items[0]!.evidence).toMatchObject({ executions: 4, distinctInputs: 1, mostRepeated: 4, repeatShare: 0.75 });
    expect(await kinds('cache-no')).toEqual([]);
  });

  it('raise_parallelism: ready nodes held back by maxParallel, not nodes that ran side by side', async () => {
    const [item] = (await advice('wide-yes')).filter((i) => i.kind === 'raise_parallelism');
    expect(item).toMatchObject({ node: null, evidence: { runs: 4, runsWithWaits: 4, meanWaitedMs: 1000, maxWaitedMs: 1000, maxParallel: 1 } });
    expect((await advice('wide-no')).filter((i) => i.kind === 'raise_parallelism')).toEqual([]);
  });

  it('budget_pressure: a period budget already spent, not one far from its limit', async () => {
    const [item] = (await advice('budget-yes')).filter((i) => i.kind === 'budget_pressure');
    expect(item).toMatchObject({ workflow: 'budget-yes', node: null, severity: 'high', evidence: { period: 'month', limitUsd: 0.5, spentUsd: 1 } });
    expect((await advice('budget-no')).filter((i) => i.kind === 'budget_pressure')).toEqual([]);
  });

  it('pages through every workflow, most severe first, within the window asked for', async () => {
    const first = await h.api('GET', '/api/v1/analytics/recommendations?limit=2', undefined, { key: VIEWER_KEY });
    expect(first.body.items).toHaveLength(2);
    expect(first.body.items.map((i: { severity: string }) => i.severity)).toEqual(['high', 'high']);
    const rest = await h.api('GET', `/api/v1/analytics/recommendations?limit=100&cursor=${first.body.nextCursor}`, undefined, { key: VIEWER_KEY });
    expect(rest.body.nextCursor).toBeNull();
    expect(new Set([...first.body.items, ...rest.body.items].map((i: { kind: string }) => i.kind))).toEqual(new Set(['flaky_node', 'slow_node', 'cheaper_model', 'cache_candidate', 'raise_parallelism', 'budget_pressure', 'failing_node']));
    const later = await h.api('GET', `/api/v1/analytics/recommendations?workflow=flaky-yes&since=${new Date().toISOString()}`, undefined, { key: VIEWER_KEY });
    expect(later.body.items).toEqual([]);
    expect((await h.api('GET', '/api/v1/analytics/recommendations?limit=0', undefined, { key: VIEWER_KEY })).body.error.code).toBe('BAD_REQUEST');
  });
});

describe('OpenAPI document', () => {
  it('describes every response this file received: status, media type and body', async () => {
    expect(await expectResponsesMatchDocument(h)).toBeGreaterThan(5);
  });
});
