import type { Server } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { createActivities } from '../activities/index.js';
import { activitySettings } from '../activities/settings.js';
import { createApp } from '../api/app.js';
import type { Config } from '../config.js';
import { openDatabase, type Database } from '../db/client.js';
import { createRepositories, type Repositories } from '../db/repositories.js';
import type { Logger } from '../logger.js';
import { createHookActivities } from '../plugins/hook-activities.js';
import { HookDispatcher } from '../plugins/hook-dispatcher.js';
import { loadPlugins, pluginSources } from '../plugins/loader.js';
import type { PluginRegistry } from '../plugins/registry.js';
import { loadPricing } from '../pricing/pricing.js';
import { loadTiers } from '../pricing/tiers.js';
import { createWeftWorker } from '../worker/create-worker.js';
import { ensureSearchAttributes } from './search-attributes.js';

/** The database with its repositories, migrated. */
export interface Storage {
  database: Database;
  repos: Repositories;
}

export async function openStorage(config: Pick<Config, 'DATABASE_URL' | 'WEFT_DATA_DIR'>): Promise<Storage> {
  const database = await openDatabase({ url: config.DATABASE_URL, dataDir: config.WEFT_DATA_DIR, migrate: true });
  return { database, repos: createRepositories(database.db) };
}

/**
 * Loads the plugins the settings name (`WEFT_PLUGINS`, `WEFT_PLUGIN_DIR`); the API
 * and the worker each call it, so both see the same set.
 * @throws PluginLoadError naming the plugin and the reason: start-up stops.
 */
export function loadConfiguredPlugins(config: Pick<Config, 'WEFT_PLUGINS' | 'WEFT_PLUGIN_DIR' | 'WEFT_DATA_DIR'>): Promise<PluginRegistry> {
  return loadPlugins(pluginSources(config));
}

/** Starts the worker and resolves once it polls; `stop()` drains it. */
export async function startWorker(input: { config: Config; storage: Storage; logger: Logger; address: string; plugins: PluginRegistry }): Promise<{ worker: Worker; stop(): Promise<void> }> {
  const { config, storage, logger } = input;
  const admin = await Connection.connect({ address: input.address });
  try {
    await ensureSearchAttributes(admin, config.TEMPORAL_NAMESPACE);
  } finally {
    await admin.close();
  }
  const connection = await NativeConnection.connect({ address: input.address });
  const worker = await createWeftWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.WEFT_TASK_QUEUE,
    activities: {
      ...createActivities({ repos: storage.repos, logger, settings: activitySettings(config) }),
      ...createHookActivities(new HookDispatcher(input.plugins, { logger })),
    },
  });
  const running = worker.run();
  running.catch((err) => logger.fatal({ err }, 'worker stopped with an error'));
  return {
    worker,
    stop: async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.catch(() => {});
      await connection.close();
    },
  };
}

/** Starts the API on the configured port; `stop()` closes it. */
export async function startApi(input: { config: Config; storage: Storage; logger: Logger; address: string; plugins: PluginRegistry }): Promise<{ server: Server; url: string; stop(): Promise<void> }> {
  const { config, storage, logger } = input;
  const connection = await Connection.connect({ address: input.address });
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  const app = createApp({
    repos: storage.repos,
    pingDatabase: storage.database.ping,
    temporal: { client, taskQueue: config.WEFT_TASK_QUEUE, namespace: config.TEMPORAL_NAMESPACE },
    logger,
    maxBodyBytes: config.WEFT_MAX_BODY_BYTES,
    pricing: loadPricing(config.WEFT_PRICING_FILE),
    tiers: loadTiers(config.WEFT_MODEL_TIERS),
    segmentEvents: config.WEFT_SEGMENT_EVENTS,
    plugins: input.plugins,
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
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await connection.close();
    },
  };
}
