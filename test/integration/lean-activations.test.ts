import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { installTemporalRuntime } from '../../src/runtime/temporal-runtime.js';
import { quietBundlerLogger } from '../support/bundler-logger.js';
import { failLaterSignal, openSignal, spinSignal } from '../fixtures/workflows/lean-activations.js';

/**
 * Weft's worker makes fewer guarded calls into a workflow's context per
 * activation (TEMPORAL_WORKFLOW_LEAN_ACTIVATIONS, set by createWeftWorker;
 * patches/@temporalio+worker+1.24.0.patch): it skips the condition check when
 * none could be due, and runs the SDK's bookkeeping calls without the deadlock
 * watchdog. Here the SDK's own worker, with the setting on, shows the three
 * things the skipped and unguarded calls must not lose.
 */
const taskQueue = `lean-${randomBytes(6).toString('hex')}`;
let worker: Worker;
let running: Promise<void>;
let client: Client;
const closes: (() => Promise<void>)[] = [];

beforeAll(async () => {
  installTemporalRuntime('error');
  // Read by the workflow threads, which copy the environment when they start (in Worker.create).
  process.env.TEMPORAL_WORKFLOW_LEAN_ACTIVATIONS = 'on';
  const address = inject('temporalAddress');
  const native = await NativeConnection.connect({ address });
  closes.push(() => native.close());
  const workflowsPath = fileURLToPath(new URL('../fixtures/workflows/lean-activations.ts', import.meta.url));
  worker = await Worker.create({
    connection: native,
    taskQueue,
    workflowBundle: await bundleWorkflowCode({ workflowsPath, logger: quietBundlerLogger }),
    // The SDK's default is 5 s; a second keeps the stuck workflow's case short.
    isolateExecutionTimeout: '1s',
  } as WorkerOptions);
  running = worker.run();
  const connection = await Connection.connect({ address });
  closes.push(() => connection.close());
  client = new Client({ connection });
}, 60_000);

afterAll(async () => {
  worker.shutdown();
  await running;
  for (const close of closes.reverse()) await close();
  delete process.env.TEMPORAL_WORKFLOW_LEAN_ACTIVATIONS;
});

/** The message of the run's first failed workflow task, once there is one. */
async function firstTaskFailure(handle: WorkflowHandle): Promise<string> {
  for (;;) {
    const { events } = await handle.fetchHistory();
    const failed = events?.find((e) => e.workflowTaskFailedEventAttributes);
    if (failed) return failed.workflowTaskFailedEventAttributes!.failure?.message ?? '';
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const start = (type: string) => client.workflow.start(type, { taskQueue, workflowId: `${type}-${randomBytes(6).toString('hex')}` });

describe('lean activations', () => {
  it('a condition a signal satisfies still unblocks', async () => {
    const handle = await start('waitsForSignal');
    await handle.signal(openSignal);
    expect(await handle.result()).toBe('opened');
  });

  it('the watchdog still stops workflow code that never yields while an activation runs', async () => {
    const handle = await start('spinsOnSignal');
    await handle.signal(spinSignal);
    expect(await firstTaskFailure(handle)).toMatch(/timed out|deadlock/i);
    await handle.terminate('the test is over');
  });

  it('an error held from a handler fails the task although no condition waits', async () => {
    const handle = await start('failsAfterAwait');
    await handle.signal(failLaterSignal);
    expect(await firstTaskFailure(handle)).toMatch(/handler failed after an await/);
    await handle.terminate('the test is over');
  });
});
