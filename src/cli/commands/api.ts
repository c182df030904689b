import type { Config } from '../../config.js';
import { createLogger, logDestination } from '../../logger.js';
import { openServices, startApi } from '../../runtime/services.js';
import { installTemporalRuntime } from '../../runtime/temporal-runtime.js';
import { onShutdown } from '../shutdown.js';

/** `weft api`: the API alone, against TEMPORAL_ADDRESS and DATABASE_URL (production). */
export async function apiCommand(config: Config): Promise<void> {
  const logger = createLogger(config.WEFT_LOG_LEVEL, 'weft-api', logDestination(config.WEFT_LOG_FORMAT));
  // The API's Temporal client is the SDK's native one: its core logs through Weft's logger.
  installTemporalRuntime(config.WEFT_LOG_LEVEL, { logger });
  const services = await openServices(config);
  if (config.WEFT_BOOTSTRAP_ADMIN_KEY) {
    await services.repos.apiKeys.ensure(config.WEFT_BOOTSTRAP_ADMIN_KEY, 'bootstrap-admin', 'admin');
  } else {
    logger.warn('WEFT_BOOTSTRAP_ADMIN_KEY is not set: no admin key is created');
  }
  // Production: wire-form bodies go out unchecked (the tests check them; `weft dev` still does).
  const api = await startApi({ config, services, logger, address: config.TEMPORAL_ADDRESS, checkResponses: false });
  logger.info({ url: api.url }, 'Weft API listening');
  onShutdown(async () => {
    await api.stop();
    await services.database.close();
  }, (m) => logger.info(m));
}
