import type { Config } from '../../config.js';
import { createLogger } from '../../logger.js';
import { loadConfiguredPlugins, openStorage, startWorker } from '../../runtime/services.js';
import { installTemporalRuntime } from '../../runtime/temporal-runtime.js';
import { onShutdown } from '../shutdown.js';

/** `weft worker`: one worker process against TEMPORAL_ADDRESS and DATABASE_URL; scale by running more. */
export async function workerCommand(config: Config): Promise<void> {
  const logger = createLogger(config.WEFT_LOG_LEVEL, 'weft-worker');
  installTemporalRuntime(config.WEFT_LOG_LEVEL);
  const plugins = await loadConfiguredPlugins(config);
  const storage = await openStorage(config);
  const worker = await startWorker({ config, storage, logger, address: config.TEMPORAL_ADDRESS, plugins });
  logger.info({ taskQueue: config.WEFT_TASK_QUEUE, address: config.TEMPORAL_ADDRESS }, 'Weft worker polling');
  onShutdown(async () => {
    await worker.stop();
    await storage.database.close();
  }, (m) => logger.info(m));
}
