import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { NativeConnection } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { openServices, startApi, startWorker, type Services } from '../../src/runtime/services.js';
import { createTestDatabase, definition } from '../support/harness.js';
import { freePort } from '../support/ports.js';

/**
 * The wiring `weft dev` uses (src/runtime/services.ts): a worker and an API in
 * one process. Sharing the worker's connection, the API starts runs eagerly;
 * an API on a connection of its own (`weft api`) starts them the ordinary way.
 */
const KEY = `wk_eager_${randomBytes(8).toString('hex')}`;
const logged: { msg?: string; runId?: string; eagerlyStarted?: boolean }[] = [];
const stops: (() => Promise<void>)[] = [];
let services: Services;
let shared: string;
let separate: string;

beforeAll(async () => {
  const address = inject('temporalAddress');
  const logger = createLogger(
    'info',
    'weft-test',
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n')) if (line) logged.push(JSON.parse(line));
        done();
      },
    }),
  );
  const base = { DATABASE_URL: await createTestDatabase(), WEFT_TASK_QUEUE: `eager-${randomBytes(6).toString('hex')}`, WEFT_HOST: '127.0.0.1' };
  const config = loadConfig({ ...base, WEFT_PORT: String(await freePort()) });
  services = await openServices(config);
  stops.push(() => services.database.close());
  await services.repos.apiKeys.ensure(KEY, 'eager-admin', 'admin');
  const connection = await NativeConnection.connect({ address });
  stops.push(() => connection.close());
  const worker = await startWorker({ config, services, logger, address, connection, workflowBundle: { codePath: inject('workflowBundlePath') } });
  stops.push(worker.stop);
  const devApi = await startApi({ config, services, logger, address, worker: connection });
  stops.push(devApi.stop);
  const plainApi = await startApi({ config: loadConfig({ ...base, WEFT_PORT: String(await freePort()) }), services, logger, address });
  stops.push(plainApi.stop);
  [shared, separate] = [devApi.url, plainApi.url];
}, 60_000);

afterAll(async () => {
  for (const stop of stops.reverse()) await stop();
});

/** Starts a two-node run through `api` and waits for it there (`?wait=`); returns the run and whether Temporal started it eagerly. */
async function runThrough(api: string): Promise<{ run: Record<string, unknown>; eagerlyStarted: boolean | undefined }> {
  const res = await fetch(`${api}/api/v1/runs?wait=20s`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      definition: definition('eager', [
        { id: 'double', type: 'transform', output: '{{ input.n * 2 }}' },
        { id: 'plus', type: 'transform', needs: ['double'], output: '{{ nodes.double.output + 1 }}' },
      ]),
      input: { n: 20 },
    }),
  });
  const run = (await res.json()) as Record<string, unknown>;
  expect(res.status).toBe(200);
  return { run, eagerlyStarted: logged.find((line) => line.msg === 'run started' && line.runId === run.id)?.eagerlyStarted };
}

describe('eager start', () => {
  it('with the worker in the process, each run starts on it eagerly, and runs as any other', async () => {
    for (let i = 0; i < 3; i++) {
      const { run, eagerlyStarted } = await runThrough(shared);
      expect(run).toMatchObject({ status: 'succeeded', output: { plus: 41 } });
      expect(eagerlyStarted).toBe(true);
    }
  });

  it('an API with a connection of its own starts runs the ordinary way', async () => {
    const { run, eagerlyStarted } = await runThrough(separate);
    expect(run).toMatchObject({ status: 'succeeded', output: { plus: 41 } });
    expect(eagerlyStarted).toBe(false);
  });
});
