import type { Config } from '../../config.js';
import { createLogger, logDestination } from '../../logger.js';
import { openServices, startWorker } from '../../runtime/services.js';
import { installTemporalRuntime } from '../../runtime/temporal-runtime.js';
import { startMetricsServer } from '../../metrics/metrics-server.js';
import { temporalMetricsSource } from '../../metrics/temporal-source.js';
import { onShutdown } from '../shutdown.js';

/** `weft worker`: one worker process against TEMPORAL_ADDRESS and DATABASE_URL; scale by running more. */
export async function workerCommand(config: Config): Promise<void> {
  const logger = createLogger(config.WEFT_LOG_LEVEL, 'weft-worker', logDestination(config.WEFT_LOG_FORMAT));
  const temporalMetrics = await temporalMetricsSource();
  installTemporalRuntime(config.WEFT_LOG_LEVEL, { logger, metricsAddress: temporalMetrics.address });
  const services = await openServices(config);
  const worker = await startWorker({ config, services, logger, address: config.TEMPORAL_ADDRESS });
  const metrics = await startMetricsServer({ port: config.WEFT_METRICS_PORT, extra: temporalMetrics.read, logger });
  logger.info({ taskQueue: config.WEFT_TASK_QUEUE, address: config.TEMPORAL_ADDRESS, metricsPort: config.WEFT_METRICS_PORT }, 'Weft worker polling');
  onShutdown(async () => {
    await worker.stop();
    await metrics.stop();
    await services.database.close();
  }, (m) => logger.info(m));
}
