import express, { type Express } from 'express';
import type { Client } from '@temporalio/client';
import type { Repositories } from '../db/repositories.js';
import type { Logger } from '../logger.js';
import { PluginRegistry } from '../plugins/registry.js';
import type { PricingTable } from '../pricing/pricing.js';
import type { TierTable } from '../pricing/tiers.js';
import { authenticate } from './auth.js';
import { errorMiddleware, notFoundHandler } from './errors.js';
import { openApiDocument } from './openapi.js';
import { requestId } from './request-context.js';
import { analyticsRouter } from './routes/analytics.js';
import { budgetsRouter } from './routes/budgets.js';
import { healthRouter } from './routes/health.js';
import { pluginsRouter } from './routes/plugins.js';
import { runsRouter } from './routes/runs.js';
import { workflowsRouter } from './routes/workflows.js';
import { RunsService } from './runs-service.js';

export interface AppDeps {
  repos: Repositories;
  pingDatabase: () => Promise<void>;
  temporal: { client: Client; taskQueue: string; namespace: string };
  logger: Logger;
  /** Largest accepted request body. */
  maxBodyBytes: number;
  /** List prices and model tiers, for cost estimates. */
  pricing: PricingTable;
  tiers: TierTable;
  /** History events after which runs continue as new (default: the workflow's `SEGMENT_EVENTS`). */
  segmentEvents?: number;
  /** Loaded plugins (default: none), for validation, listing, the OpenAPI document and runs' hooks. */
  plugins?: PluginRegistry;
}

const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml'];

/** Builds the Weft API without listening, so tests and `weft api` share it. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(requestId);
  app.use(express.json({ limit: deps.maxBodyBytes, strict: false }));
  app.use(express.text({ type: YAML_TYPES, limit: deps.maxBodyBytes }));

  app.use(healthRouter({ pingDatabase: deps.pingDatabase, client: deps.temporal.client, namespace: deps.temporal.namespace }));
  const plugins = deps.plugins ?? PluginRegistry.empty();
  const document = openApiDocument(plugins);
  app.get('/api/v1/openapi.json', (_req, res) => {
    res.json(document);
  });

  const runs = new RunsService({ repos: deps.repos, temporal: deps.temporal, logger: deps.logger, plugins, ...(deps.segmentEvents === undefined ? {} : { segmentEvents: deps.segmentEvents }) });
  const api = express.Router();
  api.use(authenticate(deps.repos.apiKeys));
  api.use(workflowsRouter(deps.repos, { pricing: deps.pricing, tiers: deps.tiers }, plugins));
  api.use(runsRouter(runs, deps.repos));
  api.use(pluginsRouter(plugins));
  api.use(budgetsRouter(deps.repos));
  api.use(analyticsRouter(deps.repos));
  app.use('/api/v1', api);

  app.use(notFoundHandler);
  app.use(errorMiddleware(deps.logger));
  return app;
}
