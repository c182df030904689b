import type { Config } from '../../config.js';
import { createLogger } from '../../logger.js';
import { loadConfiguredPlugins, openStorage, startApi } from '../../runtime/services.js';
import { onShutdown } from '../shutdown.js';

/** `weft api`: the API alone, against TEMPORAL_ADDRESS and DATABASE_URL (production). */
export async function apiCommand(config: Config): Promise<void> {
  const logger = createLogger(config.WEFT_LOG_LEVEL, 'weft-api');
  const plugins = await loadConfiguredPlugins(config);
  const storage = await openStorage(config);
  if (config.WEFT_BOOTSTRAP_ADMIN_KEY) {
    await storage.repos.apiKeys.ensure(config.WEFT_BOOTSTRAP_ADMIN_KEY, 'bootstrap-admin', 'admin');
  } else {
    logger.warn('WEFT_BOOTSTRAP_ADMIN_KEY is not set: no admin key is created');
  }
  const api = await startApi({ config, storage, logger, address: config.TEMPORAL_ADDRESS, plugins });
  logger.info({ url: api.url }, 'Weft API listening');
  onShutdown(async () => {
    await api.stop();
    await storage.database.close();
  }, (m) => logger.info(m));
}
