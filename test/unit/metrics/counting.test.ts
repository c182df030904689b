import { beforeEach, describe, expect, it } from 'vitest';
import type { AttemptInfo } from '../../../src/activities/attempt-observer.js';
import { composeObservers, tellObserver } from '../../../src/activities/attempt-observer.js';
import { runEndReader } from '../../../src/activities/run-end.js';
import { runEndMetrics } from '../../../src/activities/run-end-metrics.js';
import type { Definition } from '../../../src/dag/schema.js';
import type { FinishOutcome } from '../../../src/db/runs-repo.js';
import { pendingRecord, type NodeRecord, type RunSnapshot } from '../../../src/dag/run-state.js';
import { createLogger } from '../../../src/logger.js';
import { metricsObserver } from '../../../src/activities/observers/attempt-metrics.js';
import { metricsRegistry } from '../../../src/metrics/registry.js';
import { sample } from '../../support/metrics-text.js';

/** The value of one series, 0 when absent. */
async function value(name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = metricsRegistry.getSingleMetric(name);
  if (!metric) throw new Error(`no metric ${name}`);
  const { values } = await metric.get();
  return values.filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l)).reduce((sum, v) => sum + v.value, 0);
}

const info = (attempt: number, extra: Partial<AttemptInfo> = {}): AttemptInfo => ({
  runId: 'run-1',
  workflow: 'wf',
  nodeId: 'flaky',
  nodeType: 'agent',
  attempt,
  nodeAttempt: attempt,
  fallback: null,
  startedAt: '2025-01-01T00:00:00.000Z',
  ...extra,
});

const run = (extra: Partial<RunSnapshot> = {}): Omit<RunSnapshot, 'nodes'> => ({
  id: 'run-1',
  workflow: 'wf',
  version: 1,
  status: 'succeeded',
  degraded: false,
  input: {},
  output: null,
  error: null,
  costUsd: 0,
  startedAt: '2025-01-01T00:00:00.000Z',
  endedAt: '2025-01-01T00:00:02.000Z',
  ...extra,
});

const record = (status: NodeRecord['status'], extra: Partial<NodeRecord> = {}): NodeRecord => ({
  ...pendingRecord(),
  status,
  startedAt: '2025-01-01T00:00:00.000Z',
  endedAt: '2025-01-01T00:00:01.500Z',
  attempts: 1,
  ...extra,
});

beforeEach(() => metricsRegistry.resetMetrics());

describe('attempt metrics', () => {
  it('a node retried three times: two retries, counted per failed attempt that will be retried', async () => {
    const observer = metricsObserver();
    observer.failed(info(1), { type: 'MOCK_FAILURE', message: 'x' }, true);
    observer.failed(info(2), { type: 'MOCK_FAILURE', message: 'x' }, true);
    observer.succeeded(info(3), { text: 'ok', usage: { inputTokens: 10, outputTokens: 5 }, costUsd: 0.5, provider: 'offline', model: 'm', cached: false, fallback: null }, 0.5);
    expect(await value('weft_node_retries_total', { workflow: 'wf', type: 'agent' })).toBe(2);
    // The last failure of an exhausted node is not a retry.
    observer.failed(info(4), { type: 'MOCK_FAILURE', message: 'x' }, false);
    expect(await value('weft_node_retries_total')).toBe(2);
  });

  it('counts tokens by kind, cost and request duration of agent requests, none for a cache hit', async () => {
    const observer = metricsObserver(() => Date.parse('2025-01-01T00:00:01.250Z'));
    const output = { text: 'ok', usage: { inputTokens: 10, outputTokens: 5, cacheReadTokens: 3 }, costUsd: 0.25, provider: 'anthropic', model: 'claude', fallback: null };
    observer.succeeded(info(1), { ...output, cached: false }, 0.25);
    observer.succeeded(info(1), { ...output, cached: true }, 0);
    expect(await value('weft_agent_tokens_total', { provider: 'anthropic', model: 'claude', kind: 'input' })).toBe(10);
    expect(await value('weft_agent_tokens_total', { kind: 'output' })).toBe(5);
    expect(await value('weft_agent_tokens_total', { kind: 'cache_read' })).toBe(3);
    expect(await value('weft_agent_cost_usd_total', { workflow: 'wf', provider: 'anthropic', model: 'claude' })).toBe(0.25);
    const text = await metricsRegistry.metrics();
    expect(sample(text, 'weft_agent_request_duration_seconds_sum')).toBe(1.25);
    expect(sample(text, 'weft_agent_request_duration_seconds_count')).toBe(1);
  });

  it('counts cache hits and misses as the envelope reports its lookups', async () => {
    const observer = metricsObserver();
    observer.cacheLooked!(info(1), false);
    observer.cacheLooked!(info(1), true);
    observer.cacheLooked!(info(1), true);
    expect(await value('weft_cache_hits_total', { workflow: 'wf' })).toBe(2);
    expect(await value('weft_cache_misses_total', { workflow: 'wf' })).toBe(1);
  });

  it('composed observers each hear every event, even when one throws', async () => {
    const heard: string[] = [];
    const broken = { started: () => { throw new Error('boom'); }, succeeded() {}, failed() {}, warned() {} };
    const listening = { started: () => void heard.push('started'), succeeded() {}, failed() {}, warned() {}, cacheLooked: (_i: AttemptInfo, hit: boolean) => void heard.push(`cache ${hit}`) };
    const both = composeObservers([broken, undefined, listening])!;
    await tellObserver(both, createLogger('silent'), 'started', info(1));
    await tellObserver(both, createLogger('silent'), 'cacheLooked', info(1), true);
    expect(heard).toEqual(['started', 'cache true']);
    expect(composeObservers([undefined])).toBeUndefined();
    expect(composeObservers([listening])).toBe(listening);
  });
});

describe('run end metrics', () => {
  const nodes = new Map<string, Omit<NodeRecord, 'output'>>([
    ['draft', record('succeeded', { fallback: 0 })],
    ['review', record('failed')],
    ['skipped', { ...record('skipped'), startedAt: null, endedAt: null }],
    ['kept', record('succeeded', { reused: true, reusedFrom: 'run-0' })],
  ]);
  const definition = { nodes: [{ id: 'draft', type: 'agent' }, { id: 'review', type: 'slack.post' }, { id: 'skipped', type: 'transform' }, { id: 'kept', type: 'agent' }] } as Definition;
  /** Counts a run whose final snapshot holds no record: they are read back from `run_nodes` (`stored`). */
  const counter = (stored = nodes) => {
    const read = runEndReader({ runNodes: { listWithoutOutputs: async () => stored }, workflows: { get: async () => undefined } });
    const count = runEndMetrics({ logger: createLogger('silent') });
    return async (ended: Omit<RunSnapshot, 'nodes'>, outcome: FinishOutcome) => count(await read({ ...ended, nodes: {} }, { outcome, definition, startedAt: new Date(ended.startedAt) }));
  };

  it('counts the run, its duration and every node in a final state once, by type and state', async () => {
    await counter()(run(), 'ended');
    expect(await value('weft_runs_finished_total', { workflow: 'wf', status: 'succeeded' })).toBe(1);
    expect(await value('weft_runs_active', { workflow: 'wf' })).toBe(-1);
    expect(await value('weft_node_executions_total', { workflow: 'wf', type: 'agent', status: 'succeeded' })).toBe(1);
    expect(await value('weft_node_executions_total', { type: 'slack.post', status: 'failed' })).toBe(1);
    expect(await value('weft_node_executions_total', { type: 'transform', status: 'skipped' })).toBe(1);
    // A re-run's reused node never ran.
    expect(await value('weft_node_executions_total')).toBe(3);
    expect(await value('weft_node_fallbacks_total', { workflow: 'wf' })).toBe(1);
    const text = await metricsRegistry.metrics();
    expect(sample(text, 'weft_node_duration_seconds_count')).toBe(2);
    expect(sample(text, 'weft_run_duration_seconds_sum', { workflow: 'wf', status: 'succeeded' })).toBe(2);
  });

  it('a retried finishRun (the row had ended) counts nothing again', async () => {
    const count = counter();
    await count(run(), 'ended');
    await count(run(), 'rewritten');
    await count(run(), 'rewritten');
    expect(await value('weft_runs_finished_total')).toBe(1);
    expect(await value('weft_node_executions_total')).toBe(3);
  });

  it('a run started outside the API (a child run) is counted as finished but was never counted active', async () => {
    await counter()(run(), 'inserted');
    expect(await value('weft_runs_finished_total')).toBe(1);
    expect(await value('weft_runs_active')).toBe(0);
  });

  it('a budget stop is counted', async () => {
    await counter(new Map())(run({ status: 'failed', error: { code: 'BUDGET_EXCEEDED', message: 'over', node: 'draft' } }), 'ended');
    expect(await value('weft_budget_exceeded_total', { workflow: 'wf' })).toBe(1);
    expect(await value('weft_runs_finished_total', { status: 'failed' })).toBe(1);
  });
});

describe('a run end, read once for its metrics and critical path', () => {
  const reader = (stored: Map<string, Omit<NodeRecord, 'output'>>) => {
    const reads = { nodes: 0, versions: 0 };
    const read = runEndReader({
      runNodes: { listWithoutOutputs: async () => (reads.nodes++, stored) },
      workflows: { get: async (name, version) => (reads.versions++, { definition: { nodes: [{ id: 'a' }, { id: 'b' }] } as Definition, name, version }) as never },
    });
    return { read, reads };
  };
  const finished = { outcome: 'ended' as const, definition: null, startedAt: new Date('2025-01-01T00:00:00.000Z') };

  it('takes the records from a final snapshot that has every node, and a stored version once', async () => {
    const { read, reads } = reader(new Map());
    const snapshot = { ...run(), nodes: { a: { ...record('succeeded'), output: 1 }, b: { ...record('failed'), output: null } } };
    const end = await read(snapshot, finished);
    await read(snapshot, finished);
    expect([...end.nodes.keys()]).toEqual(['a', 'b']);
    expect(end.definition?.nodes.map((n) => n.id)).toEqual(['a', 'b']);
    expect(end.startedAt).toBe('2025-01-01T00:00:00.000Z');
    expect(reads).toEqual({ nodes: 0, versions: 1 });
  });

  it('reads the stored records of a run whose snapshot lacks a node (stored before, or pending)', async () => {
    const stored = new Map([['a', record('succeeded')], ['b', record('succeeded')]]);
    const { read, reads } = reader(stored);
    const end = await read({ ...run(), nodes: { b: { ...record('succeeded'), output: 1 } } }, finished);
    expect(end.nodes).toBe(stored);
    expect(reads.nodes).toBe(1);
  });

  it('takes an ad-hoc definition from the run row, and reads no version', async () => {
    const { read, reads } = reader(new Map());
    const adHoc = { nodes: [{ id: 'x', type: 'agent' }] } as Definition;
    const end = await read({ ...run({ version: null }), nodes: { x: { ...record('succeeded'), output: 1 } } }, { ...finished, definition: adHoc });
    expect(end.definition).toBe(adHoc);
    expect(reads).toEqual({ nodes: 0, versions: 0 });
  });
});

describe('labels', () => {
  it('no series carries a run id, item index or key', async () => {
    runEndMetrics({ logger: createLogger('silent') })({ run: run({ id: 'run-secret-id' }), outcome: 'ended', definition: undefined, startedAt: '2025-01-01T00:00:00.000Z', nodes: new Map([['n', record('succeeded')]]) });
    metricsObserver().failed(info(1, { runId: 'run-secret-id', nodeId: 'map[3]' }), { type: 'X', message: 'x' }, true);
    const text = await metricsRegistry.metrics();
    expect(text).not.toContain('run-secret-id');
    expect(text).not.toContain('map[3]');
    for (const line of text.split('\n').filter((l) => l.startsWith('weft_'))) {
      const labels = [...line.matchAll(/(\w+)="/g)].map((m) => m[1]);
      for (const label of labels) expect(['workflow', 'type', 'status', 'provider', 'model', 'kind', 'plugin', 'hook', 'method', 'route', 'le']).toContain(label);
    }
  });
});
