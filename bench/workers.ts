import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { bundleWorkflowCode, type BundleOptions, NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../src/activities/index.js';
import { activitySettings } from '../src/activities/settings.js';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/client.js';
import { createRepositories } from '../src/db/repositories.js';
import { createLogger } from '../src/logger.js';
import type { Definition } from '../src/dag/schema.js';
import { workflowBundleOptions } from '../src/worker/bundle-options.js';
import { runEventSinks } from '../src/worker/run-event-sinks.js';
import { ENGINE, RUN_WORKFLOW_TYPE } from '../src/workflows/messages.js';
import { WEFT_STATUS, WEFT_WORKFLOW } from '../src/workflows/search-attributes.js';
import { BIG_HISTORY_CHANNEL } from '../test/support/executions.js';
import type { Backend } from './backend.js';

/** Weft's task queue and the hand-written workflows' in the benchmark process. */
export const TASK_QUEUE = 'bench';
export const HAND_TASK_QUEUE = 'bench-hand';

/** The two workers of a benchmark and a client, on one backend. */
export interface BenchWorkers {
  client: Client;
  /** Runs `work` while both workers poll. */
  runWhile<T>(work: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * Weft's worker (src/workflows) and the hand-written workflows' (bench/workflows),
 * in this process with the same activities, each with its own bundle as two
 * applications would have: the baseline's workflows do not load Weft's
 * modules, which every workflow of a bundle evaluates anew. `env` is the
 * activities' configuration (say, hosts http tools may reach).
 */
export async function startBenchWorkers(backend: Backend, env: NodeJS.ProcessEnv = {}): Promise<BenchWorkers> {
  const scratch = mkdtempSync(join(tmpdir(), 'weft-bench-'));
  const database = await openDatabase({ url: backend.databaseUrl, dataDir: scratch, migrate: true });
  const repos = createRepositories(database.db);
  const native = await NativeConnection.connect({ address: backend.temporalAddress });
  const activities = createActivities({ repos, logger: createLogger('silent'), settings: activitySettings(loadConfig(env), {}) });
  const workerFor = async (bundle: Pick<BundleOptions, 'workflowsPath' | 'preloadModules'>, taskQueue: string) =>
    Worker.create({
      connection: native,
      taskQueue,
      workflowBundle: await bundleWorkflowCode({ ...bundle, logger: quiet }),
      activities,
      // The run events `weft worker` writes (the live streams read them): Weft's runs do that work here too.
      sinks: runEventSinks(repos.runEvents, createLogger('silent')),
      maxHeartbeatThrottleInterval: '2 seconds',
      defaultHeartbeatThrottleInterval: '2 seconds',
    });
  const worker = await workerFor(workflowBundleOptions(), TASK_QUEUE);
  const handWorker = await workerFor({ workflowsPath: new URL('./workflows/index.ts', import.meta.url).pathname }, HAND_TASK_QUEUE);
  const connection = await Connection.connect({ address: backend.temporalAddress, ...BIG_HISTORY_CHANNEL });
  return {
    client: new Client({ connection }),
    runWhile: (work) => worker.runUntil(() => handWorker.runUntil(work)),
    close: async () => {
      await connection.close();
      await native.close();
      await database.close();
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}

/** Starts a Weft run of `definition` as the API would (its search attributes set), straight on Temporal. */
export function startWeftRun(client: Client, definition: Definition, workflowId: string, taskQueue = TASK_QUEUE): Promise<WorkflowHandle> {
  return client.workflow.start(RUN_WORKFLOW_TYPE, {
    workflowId,
    taskQueue,
    // The interpreter revision the API starts runs on, so a benchmark measures what users run.
    args: [{ definition, input: {}, workflow: definition.name, version: null, engine: ENGINE }],
    typedSearchAttributes: [
      { key: WEFT_WORKFLOW, value: definition.name },
      { key: WEFT_STATUS, value: 'running' },
    ],
  });
}

const noop = () => {};
/** A logger for the SDK's bundler that says nothing. */
export const quiet = { trace: noop, debug: noop, info: noop, warn: noop, error: noop, log: noop };
