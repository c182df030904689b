import type { Config } from '../../config.js';
import { createLogger, logDestination } from '../../logger.js';
import { openServices, startWorker } from '../../runtime/services.js';
import { installTemporalRuntime } from '../../runtime/temporal-runtime.js';
import { onShutdown } from '../shutdown.js';

/** `weft worker`: one worker process against TEMPORAL_ADDRESS and DATABASE_URL; scale by running more. */
export async function workerCommand(config: Config): Promise<void> {
  const logger = createLogger(config.WEFT_LOG_LEVEL, 'weft-worker', logDestination(config.WEFT_LOG_FORMAT));
  installTemporalRuntime(config.WEFT_LOG_LEVEL);
  const services = await openServices(config);
  const worker = await startWorker({ config, services, logger, address: config.TEMPORAL_ADDRESS });
  logger.info({ taskQueue: config.WEFT_TASK_QUEUE, address: config.TEMPORAL_ADDRESS }, 'Weft worker polling');
  onShutdown(async () => {
    await worker.stop();
    await services.database.close();
  }, (m) => logger.info(m));
}
