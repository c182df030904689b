import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSnapshot } from '../../src/dag/run-state.js';
import { agentNode, createHarness, definition, type Harness } from '../support/harness.js';

/**
 * Run priority (weft-ops): Temporal orders a backlogged task queue by the
 * run's priority, its workflow tasks and (inherited) its activities'. One
 * worker with one slot of each kind, started once a backlog of low-priority
 * runs waits, takes the high-priority run started after them first.
 */
let h: Harness;
beforeAll(async () => {
  h = await createHarness({ withoutWorker: true, workerTuning: { maxConcurrentActivityTaskExecutions: 1, maxConcurrentWorkflowTaskExecutions: 2 } });
  const saved = await h.api('POST', '/api/v1/workflows', definition('prio', [agentNode('work', { text: 'done', delay: '300ms' })]));
  expect(saved.status).toBe(201);
  const urgent = await h.api('POST', '/api/v1/workflows', definition('prio-urgent', [agentNode('work', { text: 'done' })], { limits: { priority: 2 } }));
  expect(urgent.status).toBe(201);
});
afterAll(async () => {
  await h?.close();
});

const start = async (body: Record<string, unknown>) => {
  const res = await h.api('POST', '/api/v1/runs', body);
  expect(res.status).toBe(202);
  return (res.body as { id: string }).id;
};

describe('run priority', () => {
  it('refuses a priority outside 1-5 at its path, on a run and in limits', async () => {
    const run = await h.api('POST', '/api/v1/runs', { workflow: 'prio', priority: 0 });
    expect(run.status).toBe(400);
    const limits = await h.api('POST', '/api/v1/workflows/validate', definition('bad', [agentNode('a', { text: 'x' })], { limits: { priority: 6 } }));
    expect(limits.status).toBe(422);
    expect((limits.body as { error: { details: { errors: { path: string }[] } } }).error.details.errors.map((e) => e.path)).toContain('/limits/priority');
  });

  it('a high-priority run started after a backlog of low-priority runs ends first; the record, the list and Temporal carry it', async () => {
    const low: string[] = [];
    for (let i = 0; i < 6; i++) low.push(await start({ workflow: 'prio', priority: 5 }));
    const high = await start({ workflow: 'prio', priority: 1 });
    const fromLimits = await start({ workflow: 'prio-urgent' });
    const plain = await start({ workflow: 'prio', idempotencyKey: 'plain' });

    const described = await h.handle(high).describe();
    expect(described.raw.workflowExecutionInfo?.priority?.priorityKey).toBe(1);

    await h.startWorker();
    const runs = new Map<string, RunSnapshot & { priority: number }>();
    for (const id of [...low, high, fromLimits, plain]) runs.set(id, (await h.finished(id)) as RunSnapshot & { priority: number });
    expect([...runs.values()].every((r) => r.status === 'succeeded')).toBe(true);
    const ended = (id: string) => Date.parse(runs.get(id)!.endedAt!);
    for (const id of low) expect(ended(high)).toBeLessThan(ended(id));
    // The definition's limits.priority (2) ranks that run ahead of the low ones too, and the default (3) ahead of 5.
    expect(ended(fromLimits)).toBeLessThan(Math.min(...low.map(ended)));
    expect(ended(plain)).toBeLessThan(Math.min(...low.map(ended)));

    expect(runs.get(high)!.priority).toBe(1);
    expect(runs.get(fromLimits)!.priority).toBe(2);
    expect(runs.get(plain)!.priority).toBe(3);
    const list = (await h.api('GET', '/api/v1/runs?workflow=prio&limit=50')).body as { items: { id: string; priority: number }[] };
    expect(Object.fromEntries(list.items.map((r) => [r.id, r.priority]))).toMatchObject({ [high]: 1, [low[0]!]: 5, [plain]: 3 });
  });
});
