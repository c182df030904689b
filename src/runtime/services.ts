import { signInFromConfig } from '../api/oidc/settings-from-config.js';
import type { Server } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { createActivities } from '../activities/index.js';
import { activitySettings, type ActivitySettings } from '../activities/settings.js';
import { createApp } from '../api/app.js';
import { WEB_DIST_DIR } from '../dashboard/paths.js';
import { EventBus } from '../api/event-bus.js';
import { DEFAULT_RATE_LIMITS } from '../api/rate-limits.js';
import type { Config } from '../config.js';
import { openDatabase, type Database } from '../db/client.js';
import { createRepositories, type Repositories } from '../db/repositories.js';
import { exportSource } from '../exports/source-for-database.js';
import type { Logger } from '../logger.js';
import type { MetricsSource } from '../metrics/exposition.js';
import { HookDispatcher } from '../plugins/hook-dispatcher.js';
import { loadPlugins, pluginSources } from '../plugins/loader.js';
import type { PluginRegistry } from '../plugins/registry.js';
import { createWeftWorker, type WeftWorkerOptions } from '../worker/create-worker.js';
import { runEventSinks } from '../worker/run-event-sinks.js';
import { withWorkflowBundle } from '../worker/workflow-bundle.js';
import { ensureSearchAttributes } from './search-attributes.js';
import { bundlerLogger } from './temporal-logger.js';
import { ensureAlertsSchedule } from '../alerts/schedule.js';
import { parseDuration } from '../dag/duration.js';

/**
 * What a process's worker and API share, opened and loaded once: the migrated
 * database with its repositories, the settings read from the config (pricing,
 * model tiers, secrets, http and exec limits) and the loaded plugins.
 */
export interface Services {
  database: Database;
  repos: Repositories;
  settings: ActivitySettings;
  plugins: PluginRegistry;
}

/**
 * Loads the settings and the plugins (`WEFT_PLUGINS`, `WEFT_PLUGIN_DIR`; the API
 * and the worker load the same set), then opens the database: a malformed
 * pricing file or a plugin that does not load stops start-up before the
 * database is touched.
 * @throws PluginLoadError naming the plugin and the reason.
 */
export async function openServices(config: Config): Promise<Services> {
  const settings = activitySettings(config);
  const plugins = await loadPlugins(pluginSources(config));
  const database = await openDatabase({ url: config.DATABASE_URL, dataDir: config.WEFT_DATA_DIR, migrate: true });
  return { database, repos: createRepositories(database.db), settings, plugins };
}

/**
 * Starts the worker and resolves once it polls; `stop()` drains it. With
 * `connection` (a process that runs the API too, `weft dev`) the worker polls
 * on that connection, which stays open for its owner to close.
 */
export async function startWorker(input: {
  config: Config;
  services: Services;
  logger: Logger;
  address: string;
  connection?: NativeConnection;
  /** A prebuilt workflow bundle (tests build one for the suite); otherwise `src/workflows` is bundled here, webpack's statistics at debug. */
  workflowBundle?: WeftWorkerOptions['workflowBundle'];
}): Promise<{ worker: Worker; stop(): Promise<void> }> {
  const { config, services, logger } = input;
  const admin = await Connection.connect({ address: input.address });
  try {
    await ensureSearchAttributes(admin, config.TEMPORAL_NAMESPACE);
    await ensureAlertsSchedule(new Client({ connection: admin, namespace: config.TEMPORAL_NAMESPACE }), config.WEFT_TASK_QUEUE, parseDuration(config.WEFT_ALERTS_INTERVAL));
  } finally {
    await admin.close();
  }
  const connection = input.connection ?? (await NativeConnection.connect({ address: input.address }));
  const create = (workflowBundle: WeftWorkerOptions['workflowBundle']) =>
    createWeftWorker({
      connection,
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue: config.WEFT_TASK_QUEUE,
      activities: createActivities({ repos: services.repos, logger, settings: services.settings, plugins: services.plugins, hooks: new HookDispatcher(services.plugins, { logger }) }),
      sinks: runEventSinks(services.repos.runEvents, logger),
      workflowBundle,
      stackTraces: config.WEFT_WORKFLOW_STACK_TRACES === 'on',
    });
  const worker = input.workflowBundle ? await create(input.workflowBundle) : await withWorkflowBundle(bundlerLogger(logger), create);
  const running = worker.run();
  running.catch((err) => logger.fatal({ err }, 'worker stopped with an error'));
  return {
    worker,
    stop: async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.catch(() => {});
      if (!input.connection) await connection.close();
    },
  };
}

/**
 * Starts the API on the configured port; `stop()` closes it. With `worker`
 * (the connection of a worker in this process on the same task queue, `weft
 * dev`) the API's client shares it and asks Temporal to start each run
 * eagerly: the run's first workflow task comes back in the start's answer and
 * goes straight to that worker, with no poll in between.
 */
export async function startApi(input: {
  config: Config;
  services: Services;
  logger: Logger;
  address: string;
  extraMetrics?: MetricsSource;
  worker?: NativeConnection;
  /** See `AppDeps.checkResponses` (default true). */
  checkResponses?: boolean;
}): Promise<{ server: Server; url: string; stop(): Promise<void> }> {
  const { config, services, logger } = input;
  // The SDK's native (Rust) client, as `weft dev` shares its worker's: a run's start costs the API
  // about 40% less CPU than through grpc-js (`npx tsx bench/client-cpu.ts`, docs/benchmarks.md).
  const connection = input.worker ?? (await NativeConnection.connect({ address: input.address }));
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  const bus = new EventBus(services.database.listen);
  const app = createApp({
    repos: services.repos,
    exports: exportSource(services.database, config.DATABASE_URL, services.repos.exports),
    pingDatabase: services.database.ping,
    bus,
    temporal: { client, taskQueue: config.WEFT_TASK_QUEUE, namespace: config.TEMPORAL_NAMESPACE, eagerStart: input.worker !== undefined },
    logger,
    maxBodyBytes: config.WEFT_MAX_BODY_BYTES,
    rateLimits: { ...DEFAULT_RATE_LIMITS, perKey: config.WEFT_RATE_LIMIT },
    corsOrigins: config.WEFT_CORS_ORIGINS,
    signIn: signInFromConfig(config),
    pricing: services.settings.pricing,
    tiers: services.settings.tiers,
    segmentEvents: config.WEFT_SEGMENT_EVENTS,
    plugins: services.plugins,
    dashboardDir: WEB_DIST_DIR,
    ...(input.extraMetrics ? { extraMetrics: input.extraMetrics } : {}),
    ...(input.checkResponses === undefined ? {} : { checkResponses: input.checkResponses }),
  });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(config.WEFT_PORT, config.WEFT_HOST, () => resolve(s));
    s.once('error', reject);
  });
  const host = config.WEFT_HOST === '0.0.0.0' ? 'localhost' : config.WEFT_HOST;
  return {
    server,
    url: `http://${host}:${config.WEFT_PORT}`,
    stop: async () => {
      // Open event streams would hold close() forever: they are cut, and clients resume elsewhere with Last-Event-ID.
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await bus.close();
      if (!input.worker) await connection.close();
    },
  };
}
