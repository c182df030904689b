import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { bundleWorkflowCode, NativeConnection, type Worker } from '@temporalio/worker';
import postgres from 'postgres';
import { inject } from 'vitest';
import { createActivities } from '../../src/activities/index.js';
import { alertsScheduleId, ensureAlertsSchedule } from '../../src/alerts/schedule.js';
import { activitySettings } from '../../src/activities/settings.js';
import { loadConfig } from '../../src/config.js';
import type { Express } from 'express';
import { createApp, type AppDeps } from '../../src/api/app.js';
import { EventBus } from '../../src/api/event-bus.js';
import type { RateLimits } from '../../src/api/rate-limits.js';
import { quietBundlerLogger } from './bundler-logger.js';
import { BIG_HISTORY_CHANNEL } from './executions.js';
import { waitFor } from './processes.js';
import { isTerminalRun, type RunSnapshot } from '../../src/dag/run-state.js';
import { openDatabase, type Database } from '../../src/db/client.js';
import { createRepositories, type Repositories } from '../../src/db/repositories.js';
import { threadExports, type ThreadExports } from '../../src/exports/thread-exports.js';
import { createLogger } from '../../src/logger.js';
import { HookDispatcher } from '../../src/plugins/hook-dispatcher.js';
import { PluginRegistry } from '../../src/plugins/registry.js';
import { installTemporalRuntime } from '../../src/runtime/temporal-runtime.js';
import { workflowBundleOptions } from '../../src/worker/bundle-options.js';
import { createWeftWorker, type WeftWorkerOptions } from '../../src/worker/create-worker.js';
import { runEventSinks } from '../../src/worker/run-event-sinks.js';

export const ADMIN_KEY = 'test-admin-key-0123456789';
export const VIEWER_KEY = 'test-viewer-key-0123456789';
export const OPERATOR_KEY = 'test-operator-key-0123456789';

export const HISTORIES_DIR = join(import.meta.dirname, '..', 'fixtures', 'histories');

export interface ApiResponse {
  status: number;
  body: any;
  headers: Headers;
}

/** A response the harness received, kept for checking against the OpenAPI document. */
export interface RecordedResponse {
  method: string;
  path: string;
  status: number;
  contentType: string | null;
  body: unknown;
}

/** One test file's Weft: its own database, task queue, worker and API, on the suite's servers. */
export interface Harness {
  url: string;
  app: Express;
  /** Every response `api()` received, in order. */
  responses: RecordedResponse[];
  repos: Repositories;
  database: Database;
  databaseUrl: string;
  /** The API's exports: a thread each, as `weft api` on PostgreSQL reads them. */
  exports: ThreadExports;
  client: Client;
  taskQueue: string;
  temporalAddress: string;
  worker: Worker | null;
  /** Calls the API as the admin (or with `key`). */
  api(method: string, path: string, body?: unknown, options?: { key?: string | null; headers?: Record<string, string>; raw?: string }): Promise<ApiResponse>;
  /** Starts an ad-hoc run through the API and returns its id. */
  startRun(definition: unknown, input?: unknown): Promise<string>;
  /** Waits (by awaiting the workflow's result, not by polling) and returns the run as the API shows it. */
  finished(id: string): Promise<RunSnapshot>;
  /** The run as the API shows it now. */
  live(id: string): Promise<RunSnapshot>;
  /** Resolves once the API shows `node` of run `id` in `status`. */
  nodeReaches(id: string, node: string, status: string): Promise<void>;
  /** Starts a run and waits for it to end. */
  run(definition: unknown, input?: unknown): Promise<RunSnapshot>;
  handle(id: string): WorkflowHandle;
  /**
   * Deploys another worker build: stops the running worker (its in-flight tasks
   * end first), then starts one whose bundle adds `workflowInterceptorModules`
   * (a changed interpreter) on the same task queue.
   */
  replaceWorker(options: { workflowInterceptorModules: string[] }): Promise<void>;
  /** Starts the worker of a harness created `withoutWorker` (the suite's bundle, `workerTuning` applied). */
  startWorker(): Promise<void>;
  /** Saves a run's history (its latest execution, or `runId`'s) as a replay fixture when WEFT_RECORD_HISTORIES=1. */
  recordHistory(name: string, id: string, runId?: string): Promise<void>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Start no in-process worker (the test runs its own, e.g. as a child process). */
  withoutWorker?: boolean;
  /** Worker environment (WEFT_* settings and WEFT_SECRET_* secrets), as `weft worker` would read it. */
  workerEnv?: Record<string, string>;
  /** The worker's slots (default: the SDK's). */
  workerTuning?: WeftWorkerOptions['tuning'];
  /** Where the worker's logs go (default: nowhere). */
  logStream?: NodeJS.WritableStream;
  /** History events after which the API's runs continue as new. */
  segmentEvents?: number;
  /** Plugins the API and the worker load (default: none). */
  plugins?: PluginRegistry;
  /** The API's rate limits (default: the contract's). */
  rateLimits?: RateLimits;
  /** The API's body limit (default: 5 MiB, as WEFT_MAX_BODY_BYTES). */
  maxBodyBytes?: number;
  /** Origins the API allows by CORS (default: none). */
  corsOrigins?: string[];
  /** The built dashboard the API serves at `/` (default: none). */
  dashboardDir?: string;
  /** Sign-in with an OpenID provider and session settings (default: keys only, default lifetimes). */
  signIn?: AppDeps['signIn'];
  /** Start the alerts evaluator's Schedule at this interval, as `weft worker` does (default: no evaluator; deleted on close). */
  alertsIntervalMs?: number;
}

/** Creates a fresh database on the suite's PostgreSQL and returns its URL. */
export async function createTestDatabase(): Promise<string> {
  const adminUrl = inject('postgresUrl');
  const name = `weft_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function createHarness(options: HarnessOptions = {}): Promise<Harness> {
  installTemporalRuntime('error');
  const logger = options.logStream ? createLogger('info', 'weft-test', options.logStream) : createLogger('silent');
  const temporalAddress = inject('temporalAddress');
  const databaseUrl = await createTestDatabase();
  const database = await openDatabase({ url: databaseUrl, dataDir: '', migrate: true, maxConnections: 5 });
  const repos = createRepositories(database.db);
  await repos.apiKeys.ensure(ADMIN_KEY, 'admin', 'admin');
  await repos.apiKeys.ensure(OPERATOR_KEY, 'operator', 'operator');
  await repos.apiKeys.ensure(VIEWER_KEY, 'viewer', 'viewer');

  const taskQueue = `test-${randomBytes(6).toString('hex')}`;
  const connection = await Connection.connect({ address: temporalAddress, ...BIG_HISTORY_CHANNEL });
  const client = new Client({ connection });

  // Loaded once and shared by the worker and the API, as the runtime does.
  const workerConfig = loadConfig(options.workerEnv ?? {});
  const settings = activitySettings(workerConfig, options.workerEnv ?? {});
  const plugins = options.plugins ?? PluginRegistry.empty();
  let worker: Worker | null = null;
  let workerRun: Promise<void> | null = null;
  let native: NativeConnection | null = null;
  const startWorker = async (workflowBundle: { codePath: string } | { code: string }) => {
    native ??= await NativeConnection.connect({ address: temporalAddress });
    worker = await createWeftWorker({
      connection: native,
      namespace: 'default',
      taskQueue,
      activities: createActivities({ repos, logger, settings, plugins, hooks: new HookDispatcher(plugins, { logger }) }),
      sinks: runEventSinks(repos.runEvents, logger),
      workflowBundle,
      stackTraces: workerConfig.WEFT_WORKFLOW_STACK_TRACES === 'on',
      ...(options.workerTuning ? { tuning: options.workerTuning } : {}),
    });
    workerRun = worker.run();
  };
  if (!options.withoutWorker) await startWorker({ codePath: inject('workflowBundlePath') });
  if (options.alertsIntervalMs !== undefined) await ensureAlertsSchedule(client, taskQueue, options.alertsIntervalMs);

  const bus = new EventBus(database.listen);
  const exports = threadExports(databaseUrl);
  // The API's client as `weft api` has it: the SDK's native connection, one of its own.
  const apiConnection = await NativeConnection.connect({ address: temporalAddress });
  const app = createApp({
    repos,
    exports,
    pingDatabase: database.ping,
    bus,
    temporal: { client: new Client({ connection: apiConnection }), taskQueue, namespace: 'default' },
    logger,
    maxBodyBytes: options.maxBodyBytes ?? 5 * 1024 * 1024,
    pricing: settings.pricing,
    tiers: settings.tiers,
    ...(options.segmentEvents === undefined ? {} : { segmentEvents: options.segmentEvents }),
    plugins,
    ...(options.rateLimits ? { rateLimits: options.rateLimits } : {}),
    corsOrigins: options.corsOrigins,
    dashboardDir: options.dashboardDir,
    ...(options.signIn ? { signIn: options.signIn } : {}),
  });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  const responses: RecordedResponse[] = [];
  const api: Harness['api'] = async (method, path, body, opts = {}) => {
    const key = opts.key === undefined ? ADMIN_KEY : opts.key;
    const headers: Record<string, string> = { ...(key ? { authorization: `Bearer ${key}` } : {}), ...opts.headers };
    let payload: string | undefined = opts.raw;
    if (payload === undefined && body !== undefined) {
      payload = JSON.stringify(body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${url}${path}`, { method, headers, body: payload ?? null });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // keep text
    }
    responses.push({ method, path, status: response.status, contentType: response.headers.get('content-type'), body: parsed });
    return { status: response.status, body: parsed, headers: response.headers };
  };

  const harness: Harness = {
    url,
    app,
    responses,
    repos,
    database,
    databaseUrl,
    exports,
    client,
    taskQueue,
    temporalAddress,
    worker,
    api,
    async startRun(definition, input) {
      const res = await api('POST', '/api/v1/runs', { definition, ...(input === undefined ? {} : { input }) });
      if (res.status !== 202) throw new Error(`run did not start: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.id as string;
    },
    live: async (id) => (await api('GET', `/api/v1/runs/${id}`)).body as RunSnapshot,
    async nodeReaches(id, node, status) {
      await waitFor(async () => ((await harness.live(id)).nodes[node]?.status === status ? true : undefined), `${node} of run ${id} to be ${status}`);
    },
    async finished(id) {
      await client.workflow.getHandle(id).result().catch(() => {});
      const res = await api('GET', `/api/v1/runs/${id}`);
      if (res.status !== 200 || !isTerminalRun(res.body.status)) throw new Error(`run ${id} not finished: ${JSON.stringify(res.body)}`);
      return res.body as RunSnapshot;
    },
    async run(definition, input) {
      return harness.finished(await harness.startRun(definition, input));
    },
    handle: (id) => client.workflow.getHandle(id),
    async startWorker() {
      await startWorker({ codePath: inject('workflowBundlePath') });
      harness.worker = worker;
    },
    async replaceWorker({ workflowInterceptorModules }) {
      const bundle = await bundleWorkflowCode({ ...workflowBundleOptions(), workflowInterceptorModules, logger: quietBundlerLogger });
      if (worker && workerRun) {
        worker.shutdown();
        await workerRun;
      }
      await startWorker({ code: bundle.code });
      harness.worker = worker;
    },
    async recordHistory(name, id, runId) {
      if (process.env.WEFT_RECORD_HISTORIES !== '1') return;
      const history = await client.workflow.getHandle(id, runId).fetchHistory();
      mkdirSync(HISTORIES_DIR, { recursive: true });
      // The workflow id goes along: child workflow ids derive from it, so replay needs the original.
      const json = { workflowId: id, ...JSON.parse(historyToJSON(history)) };
      writeFileSync(join(HISTORIES_DIR, `${name}.json`), `${JSON.stringify(json, null, 2)}\n`);
    },
    async close() {
      if (options.alertsIntervalMs !== undefined) await client.schedule.getHandle(alertsScheduleId(taskQueue)).delete().catch(() => {});
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await bus.close();
      if (worker && workerRun) {
        worker.shutdown();
        await workerRun;
      }
      await native?.close();
      await apiConnection.close();
      await connection.close();
      await database.close();
    },
  };
  return harness;
}

/** A minimal valid definition around the given nodes. */
export function definition(name: string, nodes: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { apiVersion: 'weft/v1', name, nodes, ...extra };
}

/** An offline agent node. */
export function agentNode(id: string, mock: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id, type: 'agent', agent: { provider: 'offline', prompt: `prompt of ${id}`, mock }, ...extra };
}
