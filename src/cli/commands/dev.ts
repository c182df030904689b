import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { NativeConnection } from '@temporalio/worker';
import type { Config } from '../../config.js';
import { createLogger, logDestination } from '../../logger.js';
import { devAdminKey } from '../../runtime/admin-key.js';
import { openServices, startApi, startWorker } from '../../runtime/services.js';
import { startTemporalDevServer } from '../../runtime/temporal-dev-server.js';
import { ensureTemporalCli } from '../../runtime/temporal-install.js';
import { installTemporalRuntime } from '../../runtime/temporal-runtime.js';
import { temporalMetricsSource } from '../../metrics/temporal-source.js';
import { ensureDashboardBuilt } from '../../dashboard/ensure-built.js';
import { WEB_DIST_DIR } from '../../dashboard/paths.js';
import { onShutdown } from '../shutdown.js';

/**
 * `weft dev` (= `npm start`): the Temporal dev server as a child process (SQLite
 * under the data dir, so runs survive restarts), the worker and the API in this
 * process, and PGlite under the data dir unless DATABASE_URL is set.
 */
export async function devCommand(config: Config): Promise<void> {
  const logger = createLogger(config.WEFT_LOG_LEVEL, 'weft', logDestination(config.WEFT_LOG_FORMAT));
  // One process: the API's /metrics serves the worker's Temporal SDK metrics too.
  const temporalMetrics = await temporalMetricsSource();
  installTemporalRuntime(config.WEFT_LOG_LEVEL, { logger, metricsAddress: temporalMetrics.address });
  const dataDir = resolve(config.WEFT_DATA_DIR);
  // On a fresh machine this installs the Temporal CLI under the data dir first (once).
  const binary = await ensureTemporalCli(
    { explicit: config.TEMPORAL_CLI, path: process.env.PATH ?? '', dataDir },
    (message) => process.stdout.write(`${message}\n`),
    (line) => logger.debug({ install: line }),
  );
  // Built (when web/ changed) while the servers start, so the API serves the current dashboard. A failed
  // build (Vite not installed, a broken source) leaves the API running without it, and says why.
  const dashboardBuilt = ensureDashboardBuilt((message) => process.stdout.write(`${message}\n`)).then(
    () => true,
    (err: unknown) => {
      logger.warn({ err }, 'the dashboard could not be built; the API runs without it (npm install, then npm run build:web shows the error)');
      return false;
    },
  );
  const server = await startTemporalDevServer({
    binary,
    port: config.WEFT_TEMPORAL_PORT,
    uiPort: config.WEFT_TEMPORAL_UI_PORT,
    dbFile: join(dataDir, 'temporal.db'),
    onLog: (line) => logger.debug({ temporal: line }),
  });
  const stops: (() => Promise<void>)[] = [server.stop];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((err) => logger.warn({ err }, 'stop failed'));
  };
  try {
    const services = await openServices({ ...config, WEFT_DATA_DIR: dataDir });
    stops.push(() => services.database.close());
    const admin = devAdminKey(dataDir, config.WEFT_BOOTSTRAP_ADMIN_KEY);
    await services.repos.apiKeys.ensure(admin.key, 'bootstrap-admin', 'admin');
    // One connection for the worker and the API's client: Temporal then hands a run's first task to
    // this worker in the answer to its start (eager start), with no poll in between.
    const connection = await NativeConnection.connect({ address: server.address });
    stops.push(() => connection.close());
    const worker = await startWorker({ config, services, logger, address: server.address, connection });
    stops.push(worker.stop);
    const dashboard = (await dashboardBuilt) && existsSync(join(WEB_DIST_DIR, 'index.html'));
    const api = await startApi({ config, services, logger, address: server.address, extraMetrics: temporalMetrics.read, worker: connection });
    stops.push(api.stop);
    const lines = [
      '',
      'Weft is running.',
      dashboard ? `  Dashboard    ${api.url}/   (sign in with the admin key)` : '  Dashboard    not built (see the warning above)',
      `  API          ${api.url}/api/v1   (health: ${api.url}/health)`,
      `  Metrics      ${api.url}/metrics`,
      `  Temporal UI  ${server.uiUrl}`,
      `  Temporal     ${server.address} (namespace ${config.TEMPORAL_NAMESPACE}, task queue ${config.WEFT_TASK_QUEUE})`,
      `  Storage      ${services.database.kind === 'pglite' ? `PGlite in ${join(dataDir, 'pglite')}` : 'PostgreSQL (DATABASE_URL)'}`,
      `  Admin key    ${admin.file ? `in ${admin.file}` : 'from WEFT_BOOTSTRAP_ADMIN_KEY'}`,
      '',
      'Ctrl-C stops everything.',
      '',
    ];
    // JSON log lines go out in batches: the ones logged so far (a warning the banner points to) go first.
    await new Promise<void>((resolve) => logger.flush(() => resolve()));
    process.stdout.write(lines.join('\n'));
  } catch (err) {
    await stopAll();
    throw err;
  }
  onShutdown(stopAll, (m) => logger.info(m));
}
