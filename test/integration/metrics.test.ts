import type { ChildProcess } from 'node:child_process';
import proto from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentNode, createHarness, definition, type Harness } from '../support/harness.js';
import { sample } from '../support/metrics-text.js';
import { freePort } from '../support/ports.js';
import { spawnWeft, stopProcess, waitFor } from '../support/processes.js';

/** Contract section 8 against real processes: each event counted once whatever Temporal replays or retries. */
const STARTED = proto.temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED;

let h: Harness;
const workers: ChildProcess[] = [];
let metricsPort: number;

beforeAll(async () => {
  h = await createHarness({ withoutWorker: true });
  metricsPort = await freePort();
});
afterAll(async () => {
  for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
  await h?.close();
});

async function spawnWorker(): Promise<ChildProcess> {
  const env = { ...process.env, TEMPORAL_ADDRESS: h.temporalAddress, DATABASE_URL: h.databaseUrl, WEFT_TASK_QUEUE: h.taskQueue, WEFT_LOG_LEVEL: 'info', WEFT_METRICS_PORT: String(metricsPort) };
  const child = await spawnWeft('worker', env, 'Weft worker polling');
  workers.push(child);
  return child;
}

const scrape = async (url: string) => {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  return res.text();
};
const workerMetrics = () => scrape(`http://127.0.0.1:${metricsPort}/metrics`);

describe('metrics from a worker process', () => {
  it('a run whose worker is killed and replayed: the new worker counts the run and each node once', async () => {
    const first = await spawnWorker();
    const id = await h.startRun(
      definition('metrics-crash', [
        { id: 'a', type: 'transform', output: { text: 'A' } },
        agentNode('b', { text: 'B', delay: '2s' }, { needs: ['a'], timeout: '3s', retry: { maxAttempts: 3, initialInterval: '100ms' } }),
        { id: 'c', type: 'transform', needs: ['b'], output: '{{ nodes.b.output.text }}' },
      ]),
    );
    await waitFor(async () => ((await h.handle(id).describe()).raw.pendingActivities ?? []).some((p) => p.state === STARTED) || undefined, 'activity b to start');
    await stopProcess(first, 'SIGKILL');

    // The new worker replays the run's history from its start: nothing it replays may count.
    const second = await spawnWorker();
    await h.handle(id).result();
    const text = await workerMetrics();
    const wf = { workflow: 'metrics-crash' };
    expect(sample(text, 'weft_runs_finished_total', { ...wf, status: 'succeeded' })).toBe(1);
    expect(sample(text, 'weft_runs_finished_total', wf)).toBe(1);
    expect(sample(text, 'weft_node_executions_total', { ...wf, type: 'transform', status: 'succeeded' })).toBe(2);
    expect(sample(text, 'weft_node_executions_total', { ...wf, type: 'agent', status: 'succeeded' })).toBe(1);
    expect(sample(text, 'weft_node_executions_total', wf)).toBe(3);
    expect(sample(text, 'weft_run_duration_seconds_count', wf)).toBe(1);
    // The API counted the start; the worker's -1 completes the sum.
    const api = await scrape(`${h.url}/metrics`);
    expect(sample(api, 'weft_runs_started_total', wf)).toBe(1);
    expect(sample(api, 'weft_runs_active', wf) + sample(text, 'weft_runs_active', wf)).toBe(0);
    // The worker's endpoint serves the Temporal SDK's series, as its published dashboard names them.
    expect(text).toMatch(/^temporal_workflow_task_schedule_to_start_latency_seconds_bucket\{/m);
    expect(text).toMatch(/^temporal_worker_task_slots_available\{/m);
    expect(text).toMatch(/^temporal_request_total\{/m);
    expect(text).not.toContain(id);
    workers.push(second);
    // Two worker processes start here, each bundling the workflow code.
  }, 180_000);

  it('a node retried three times: one execution, two retries, its tokens once', async () => {
    const run = await h.run(definition('metrics-retry', [agentNode('flaky', { text: 'ok', failTimes: 2, usage: { inputTokens: 7, outputTokens: 3 } }, { retry: { maxAttempts: 4, initialInterval: '50ms', backoffCoefficient: 1 } })]));
    expect(run.nodes.flaky).toMatchObject({ status: 'succeeded', attempts: 3 });
    const text = await workerMetrics();
    const wf = { workflow: 'metrics-retry' };
    expect(sample(text, 'weft_node_executions_total', { ...wf, type: 'agent', status: 'succeeded' })).toBe(1);
    expect(sample(text, 'weft_node_retries_total', { ...wf, type: 'agent' })).toBe(2);
    expect(sample(text, 'weft_agent_tokens_total', { provider: 'offline', kind: 'input' })).toBeGreaterThanOrEqual(7);
    expect(text).not.toContain(run.id);
  });
});

describe('the API endpoint', () => {
  it('answers without a key, labels requests by route pattern, 404s as unmatched, and never a run id', async () => {
    const id = await h.startRun(definition('metrics-api', [{ id: 't', type: 'transform', output: 1 }]));
    await h.finished(id);
    await h.api('GET', `/api/v1/runs/${id}`);
    await h.api('GET', '/api/v1/no-such-route');
    const res = await fetch(`${h.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(sample(text, 'weft_http_requests_total', { method: 'GET', route: '/api/v1/runs/:id', status: '200' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'weft_http_requests_total', { method: 'POST', route: '/api/v1/runs' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'weft_http_requests_total', { route: 'unmatched', status: '404' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'weft_http_request_duration_seconds_count', { method: 'GET', route: '/api/v1/runs/:id' })).toBeGreaterThanOrEqual(1);
    expect(text).not.toContain(id);
    expect(text).not.toContain('no-such-route');
  });
});
