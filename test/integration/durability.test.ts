import type { ChildProcess } from 'node:child_process';
import proto from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentNode, createHarness, definition, type Harness } from '../support/harness.js';
import { freePort } from '../support/ports.js';
import { spawnWeft, stopProcess, waitFor } from '../support/processes.js';

/** Contract 3.5: a worker crash loses nothing; every attempt is recorded once. */
const STARTED = proto.temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED;

let h: Harness;
const workers: ChildProcess[] = [];

beforeAll(async () => {
  h = await createHarness({ withoutWorker: true });
});
afterAll(async () => {
  for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
  await h?.close();
});

/** Starts `weft worker` as its own process and resolves once it polls. */
async function spawnWorker(): Promise<ChildProcess> {
  // A metrics port of its own: another test file's worker process may hold the default one.
  const env = { ...process.env, TEMPORAL_ADDRESS: h.temporalAddress, DATABASE_URL: h.databaseUrl, WEFT_TASK_QUEUE: h.taskQueue, WEFT_LOG_LEVEL: 'info', WEFT_METRICS_PORT: String(await freePort()) };
  const child = await spawnWeft('worker', env, 'Weft worker polling');
  workers.push(child);
  return child;
}

describe('worker crash', () => {
  it('SIGKILL mid-activity: a new worker finishes the run with the right output, each attempt recorded once', async () => {
    const first = await spawnWorker();
    const id = await h.startRun(
      definition('survives-crash', [
        { id: 'a', type: 'transform', output: { text: 'A' } },
        agentNode('b', { text: 'B', delay: '2s' }, { needs: ['a'], timeout: '3s', retry: { maxAttempts: 3, initialInterval: '100ms' } }),
        { id: 'c', type: 'transform', needs: ['b'], output: '{{ nodes.a.output.text }}-{{ nodes.b.output.text }}' },
      ]),
    );
    // Kill only once b's first attempt is really executing on the worker (b is the run's only activity).
    await waitFor(async () => {
      const description = await h.handle(id).describe();
      const pending = description.raw.pendingActivities ?? [];
      return pending.some((p) => p.state === STARTED) ? true : undefined;
    }, 'activity b to start');
    await stopProcess(first, 'SIGKILL');

    const second = await spawnWorker();
    await h.handle(id).result();
    const run = await h.finished(id);
    expect(run.status).toBe('succeeded');
    expect(run.output).toEqual({ c: 'A-B' });
    expect(run.nodes.a).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(run.nodes.b).toMatchObject({ status: 'succeeded', attempts: 2 });

    const rows = await h.repos.nodeExecutions.list(id);
    expect(rows.map((r) => [r.nodeId, r.attempt, r.status])).toEqual([
      ['a', 1, 'succeeded'],
      ['b', 1, 'failed'],
      ['b', 2, 'succeeded'],
      ['c', 1, 'succeeded'],
    ]);
    await h.recordHistory('worker-killed', id);

    expect(await stopProcess(second, 'SIGTERM')).toBe(0);
  });
});
