import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSnapshot } from '../../src/dag/run-state.js';
import { SEGMENT_EVENTS } from '../../src/dag/run-state.js';
import { BIG_DEFAULTS, bigAgent, bigChain, bigMix } from '../support/big-dags.js';
import { executionsOf, type Execution } from '../support/executions.js';
import { createHarness, definition, type Harness } from '../support/harness.js';
import { waitFor } from '../support/processes.js';

/**
 * Big runs: every Temporal execution stays under the 10,240-event warning
 * because runs continue as new and maps run in batches of child runs.
 * CI runs 2,000 nodes (and items); WEFT_SCALE_NODES=10000 runs the full size.
 */
const N = Number(process.env.WEFT_SCALE_NODES ?? 2_000);
const HISTORY_WARNING = 10_240;
const MAX_PARALLEL = 64;
/** Sequential nodes take ~50 ms each on a 2-core machine; the deadline only bounds a broken run. */
const timeout = Math.max(60_000, N * 150);

const defaults = BIG_DEFAULTS;
const limits = { maxParallel: MAX_PARALLEL };

let h: Harness;
/** Runs continue as new every ~200 events, so a short chain shows what happens across executions. */
let small: Harness;
beforeAll(async () => {
  [h, small] = await Promise.all([createHarness(), createHarness({ segmentEvents: 200 })]);
});
afterAll(async () => {
  await Promise.all([h?.close(), small?.close()]);
});

describe('continue-as-new', () => {
  it('keeps the live state, node details and cancel working across executions', async () => {
    const id = await small.startRun(definition('segments', bigChain(150), { defaults, limits }));
    const handle = small.handle(id);
    const firstRunId = await waitFor(async () => {
      const d = await handle.describe();
      const first = d.raw.workflowExecutionInfo!.firstRunId!;
      return d.runId !== first ? first : undefined;
    }, 'the run to continue as new');

    // Live: nodes of earlier executions come from the database, the rest from the workflow, in definition order.
    const live = (await small.api('GET', `/api/v1/runs/${id}`)).body as RunSnapshot;
    expect(live.status).toBe('running');
    expect(Object.keys(live.nodes)).toEqual(Array.from({ length: 150 }, (_, i) => `n${i}`));
    const statuses = Object.values(live.nodes).map((r) => r.status);
    const done = statuses.indexOf('pending') === -1 ? 150 : statuses.filter((s) => s === 'succeeded').length;
    expect(done).toBeGreaterThan(20);
    expect(statuses.slice(0, done).every((s) => s === 'succeeded')).toBe(true);
    const first = (await small.api('GET', `/api/v1/runs/${id}/nodes/n0`)).body;
    expect(first).toMatchObject({ id: 'n0', status: 'succeeded', output: { text: '1' }, attempts: [{ attempt: 1, status: 'succeeded' }] });

    expect((await small.api('POST', `/api/v1/runs/${id}/cancel`)).status).toBe(202);
    const run = await small.finished(id);
    expect(run.status).toBe('cancelled');
    const counts = Object.values(run.nodes).reduce<Record<string, number>>((c, r) => ({ ...c, [r.status]: (c[r.status] ?? 0) + 1 }), {});
    expect(counts.succeeded).toBeGreaterThanOrEqual(done);
    expect(counts.succeeded! + counts.cancelled!).toBe(150);
    const executions = await executionsOf(small.client, id);
    expect(executions.filter((e) => e.ended === 'continued').length).toBeGreaterThanOrEqual(1);
    expect(Math.max(...executions.map((e) => e.events))).toBeLessThan(200 + 6 * MAX_PARALLEL);
    await small.recordHistory('continue-as-new-first', id, firstRunId);
    await small.recordHistory('continue-as-new-cancelled', id);
  });
});

/** Runs a definition and returns the run, with every execution it made. */
async function runBig(def: unknown, input?: unknown): Promise<{ run: RunSnapshot; executions: Execution[] }> {
  const id = await h.startRun(def, input);
  const run = await h.finished(id);
  return { run, executions: await executionsOf(h.client, id) };
}

/** The most nodes running at once, from their records' start and end. */
function peakConcurrency(run: RunSnapshot): number {
  const edges = Object.values(run.nodes)
    .filter((r) => r.startedAt && r.endedAt)
    .flatMap((r) => [
      [Date.parse(r.startedAt!), 1],
      [Date.parse(r.endedAt!), -1],
    ])
    // Ends before starts at the same instant: a node that ends as another starts does not overlap it.
    .sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
  let now = 0;
  let peak = 0;
  for (const [, delta] of edges) peak = Math.max(peak, (now += delta!));
  return peak;
}

/**
 * Every execution stays under the warning. An activity node adds at least 3
 * events, and an execution starts no node past SEGMENT_EVENTS (then at most
 * MAX_PARALLEL more finish, ~6 events each): so `activityNodes` in one run's own
 * history force at least this many continuations.
 */
function expectSmallHistories(id: string, executions: Execution[], activityNodes: number) {
  expect(Math.max(...executions.map((e) => e.events))).toBeLessThan(HISTORY_WARNING);
  const continued = executions.filter((e) => e.workflowId === id && e.ended === 'continued').length;
  expect(continued).toBeGreaterThanOrEqual(Math.floor((3 * activityNodes) / (SEGMENT_EVENTS + 6 * MAX_PARALLEL)));
}

describe('continue-as-new with big outputs', () => {
  it('loads outputs too big to carry from their stored records', async () => {
    // 60 outputs of 10 kB, all read at the end by key: 600 kB, more than a continuation carries inline.
    const big = Array.from({ length: 60 }, (_, i) => bigAgent(`b${i}`, `{{ $pad('${i}', 10000, '.') }}`));
    const join = { id: 'join', type: 'transform', needs: big.map((b) => b.id), output: '{{ $sum($each(nodes, function($v) { $length($v.output.text) })) }}' };
    const run = await small.run(definition('big-outputs', [...big, join], { defaults, limits: { maxParallel: 4 } }));
    expect(run.status).toBe('succeeded');
    expect(run.output).toEqual({ join: 60 * 10_000 });
    const executions = await executionsOf(small.client, run.id);
    expect(executions.filter((e) => e.ended === 'continued').length).toBeGreaterThanOrEqual(1);
    const loads = await Promise.all(executions.map(async (e) => (await small.client.workflow.getHandle(e.workflowId, e.runId).fetchHistory()).events!.filter((ev) => ev.activityTaskScheduledEventAttributes?.activityType?.name === 'loadOutputs').length));
    expect(loads.slice(1).every((n) => n >= 2)).toBe(true);
    await small.recordHistory('continue-as-new-stored-outputs', run.id);
  });
});

describe(`a run of ${N} nodes`, () => {
  it('a chain: each node reads the one before, across continue-as-new', { timeout }, async () => {
    const { run, executions } = await runBig(definition('scale-chain', bigChain(N), { defaults, limits }));
    expect(run.status).toBe('succeeded');
    expect(Object.keys(run.nodes)).toHaveLength(N);
    expect(Object.values(run.nodes).every((r) => r.status === 'succeeded' && r.attempts === 1)).toBe(true);
    expect(run.output).toEqual({ [`n${N - 1}`]: expect.objectContaining({ text: String(N) }) });
    expectSmallHistories(run.id, executions, N);
  });

  it('a wide fan-out within maxParallel, joined by a node that reads every output by key', { timeout }, async () => {
    const workers = Array.from({ length: N - 2 }, (_, i) => bigAgent(`w${i}`, '{{ nodes.root.output.text }}', ['root']));
    const join = {
      id: 'join',
      type: 'transform',
      needs: workers.map((w) => w.id),
      // Reads nodes dynamically: the run must carry every output through its continuations.
      output: '{{ $sum(nodes.*.output.text.$number()) }}',
    };
    const { run, executions } = await runBig(definition('scale-wide', [bigAgent('root', '3'), ...workers, join], { defaults, limits }));
    expect(run.status).toBe('succeeded');
    expect(run.output).toEqual({ join: 3 * (N - 1) });
    expect(Object.keys(run.nodes)).toHaveLength(N);
    expect(peakConcurrency(run)).toBeLessThanOrEqual(MAX_PARALLEL);
    expectSmallHistories(run.id, executions, N - 1);
  });

  it('a mix: parallel chains, each fanning out and joining, summed by the run output', { timeout }, async () => {
    const { nodes, outputs, activityNodes, total } = bigMix(Math.max(1, Math.floor(N / 100)));
    const { run, executions } = await runBig(definition('scale-mix', nodes, { defaults, limits, outputs }));
    expect(run.status).toBe('succeeded');
    expect(run.output).toEqual({ total });
    expect(Object.keys(run.nodes)).toHaveLength(nodes.length);
    expect(peakConcurrency(run)).toBeLessThanOrEqual(MAX_PARALLEL);
    expectSmallHistories(run.id, executions, activityNodes);
  });
});

describe(`a map over ${N} items`, () => {
  it('runs an agent per item in batches of child runs, output in item order', { timeout }, async () => {
    const items = Array.from({ length: N }, (_, i) => i);
    const def = definition('scale-map', [{ id: 'each', type: 'map', items: 'input.items', node: { type: 'agent', agent: { prompt: 'double', mock: { text: '{{ $string(item * 2) }}' } } } }], { defaults, limits });
    const { run, executions } = await runBig(def, { items });
    expect(run.status).toBe('succeeded');
    const output = run.nodes.each!.output as { text: string }[];
    expect(output).toHaveLength(N);
    expect(output.every((o, i) => o.text === String(i * 2))).toBe(true);
    // The run plus one child per 100 items, each well under the warning.
    expect(executions.length).toBeGreaterThanOrEqual(1 + N / 100);
    expectSmallHistories(run.id, executions, 0);
  });
});
