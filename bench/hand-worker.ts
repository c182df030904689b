/**
 * The baseline of `npm run bench:peers` as a process of its own: the
 * hand-written workflows (bench/workflows) on a worker with Weft's activities,
 * as an application written straight on Temporal would run them. It loads the
 * workflow bundle the benchmark built (`HAND_BUNDLE`), as Temporal advises for
 * production workers, and prints `hand worker polling` once it polls.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../src/activities/index.js';
import { activitySettings } from '../src/activities/settings.js';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/client.js';
import { createRepositories } from '../src/db/repositories.js';
import { createLogger } from '../src/logger.js';
import { installTemporalRuntime } from '../src/runtime/temporal-runtime.js';
import { HAND_TASK_QUEUE } from './workers.js';

const config = loadConfig(process.env);
installTemporalRuntime('error');
const database = await openDatabase({ url: config.DATABASE_URL, dataDir: mkdtempSync(join(tmpdir(), 'weft-hand-')), migrate: false });
const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
const worker = await Worker.create({
  connection,
  taskQueue: HAND_TASK_QUEUE,
  workflowBundle: { codePath: process.env.HAND_BUNDLE! },
  activities: createActivities({ repos: createRepositories(database.db), logger: createLogger('silent'), settings: activitySettings(config, {}) }),
  maxHeartbeatThrottleInterval: '2 seconds',
  defaultHeartbeatThrottleInterval: '2 seconds',
});
process.stdout.write('hand worker polling\n');
// The SDK's runtime shuts the worker down on SIGTERM.
await worker.run();
await connection.close();
await database.close();
