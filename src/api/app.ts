import express, { Router, type Express } from 'express';
import type { Client } from '@temporalio/client';
import type { Repositories } from '../db/repositories.js';
import type { ExportSource } from '../exports/export-source.js';
import type { Logger } from '../logger.js';
import { PluginRegistry } from '../plugins/registry.js';
import type { PricingTable } from '../pricing/pricing.js';
import type { TierTable } from '../pricing/tiers.js';
import { refreshAlertsFiring } from '../metrics/alerts-gauge.js';
import { serveMetrics, type MetricsSource } from '../metrics/exposition.js';
import { auditTrail } from './audit-trail.js';
import { identify, requireIdentity } from './auth.js';
import { bodyParsers } from './body-limits.js';
import { dashboard } from './dashboard.js';
import type { EventBus } from './event-bus.js';
import { errorMiddleware, notFoundHandler } from './errors.js';
import { DEFAULT_RATE_LIMITS, rateLimits, type RateLimits } from './rate-limits.js';
import { requestId } from './request-context.js';
import { requestTelemetry } from './request-telemetry.js';
import { API_BASE, mountRoutes } from './route-spec.js';
import { alertRoutes } from './routes/alerts.js';
import { analyticsRoutes } from './routes/analytics.js';
import { exportRoutes } from './routes/exports.js';
import { auditRoutes } from './routes/audit.js';
import { budgetRoutes } from './routes/budgets.js';
import { docsRouter } from './routes/docs.js';
import { eventRoutes } from './routes/events.js';
import { healthRouter } from './routes/health.js';
import { authRoutes } from './oidc/auth-routes.js';
import { OidcClient, type OidcSettings } from './oidc/oidc-client.js';
import { PUBLIC_ORIGIN } from './sessions/same-origin.js';
import { SessionAuth, type SessionOptions } from './sessions/session-auth.js';
import { userRoutes } from './routes/users.js';
import { identityRoutes } from './routes/identity.js';
import { keyRoutes } from './routes/keys.js';
import { pluginRoutes } from './routes/plugins.js';
import { runRoutes } from './routes/runs.js';
import { scheduleRoutes } from './routes/schedules.js';
import { workflowRoutes } from './routes/workflows.js';
import { SchedulesService } from './schedules-service.js';
import { RunsService } from './runs-service.js';
import { securityHeaders } from './security-headers.js';

export interface AppDeps {
  repos: Repositories;
  /** Where exports are read (see `exportSource`: a thread of their own on PostgreSQL). */
  exports: ExportSource;
  pingDatabase: () => Promise<void>;
  /** Wakes event streams and waiters when events are stored (one LISTEN per process). */
  bus: EventBus;
  /** `eagerStart`: a worker in this process polls `taskQueue` on the client's own connection (see `startApi`). */
  temporal: { client: Client; taskQueue: string; namespace: string; eagerStart?: boolean };
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
  /** More Prometheus text for `/metrics` (under `weft dev`, the in-process worker's Temporal SDK metrics). */
  extraMetrics?: MetricsSource;
  /** Requests a minute per key and per address (default: the contract's 1200 and 120). */
  rateLimits?: RateLimits;
  /** Origins allowed by CORS; none (no CORS headers at all) by default. */
  corsOrigins?: readonly string[] | undefined;
  /** The built dashboard served at `/` (default: none; `weft dev` and `weft api` pass `web/dist`). */
  dashboardDir?: string | undefined;
  /** Check bodies that handlers give in wire form against their schema too (default true; see `ResponseSpec.wireForm`). `weft api` does not. */
  checkResponses?: boolean;
  /** Sign-in for people (weft-ops §15): the OpenID provider (none: API keys only) and how sessions behave (default: `DEFAULT_SESSIONS`). */
  signIn?: { oidc?: OidcSettings | undefined; sessions?: SessionOptions };
}

/** Sessions end after 30 idle minutes, and after 12 hours in all (`WEFT_SESSION_IDLE_MINUTES`, `WEFT_SESSION_MAX_HOURS`). */
export const DEFAULT_SESSIONS: SessionOptions = { lifetimes: { idleMs: 30 * 60_000, maxMs: 12 * 3_600_000 } };

/**
 * Builds the Weft API without listening, so tests and `weft api` share it.
 * Order matters: probes first (never identified or limited), then the key or
 * session, the limits and the audit trail, the public documents and sign-in, the 401 gate of
 * `/api/v1`, and only then body parsing, so anonymous bodies are not read.
 */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  const oidcSettings = deps.signIn?.oidc;
  // Behind a proxy the request's own origin is not the public one: the redirect URL says what is.
  if (oidcSettings?.redirectUrl) app.locals[PUBLIC_ORIGIN] = oidcSettings.redirectUrl.origin;
  const sessions = new SessionAuth(deps.repos.users, deps.repos.sessions, deps.logger, {
    ...(deps.signIn?.sessions ?? DEFAULT_SESSIONS),
    secureCookies: oidcSettings?.redirectUrl?.protocol === 'https:' || deps.signIn?.sessions?.secureCookies === true,
  });
  app.set('query parser', 'simple');
  app.use(requestId);
  app.use(requestTelemetry(deps.logger));
  app.use(securityHeaders(deps.corsOrigins));
  // Outside /api/v1: no key, and no limit a scrape could hit.
  app.get('/metrics', async (req, res) => {
    // A database that does not answer leaves the last figure; the scrape itself still answers.
    await refreshAlertsFiring(deps.repos.alerts).catch((err: unknown) => deps.logger.warn({ err }, 'could not read the firing alerts for /metrics'));
    await serveMetrics(req, res, deps.extraMetrics);
  });
  app.use(healthRouter({ pingDatabase: deps.pingDatabase, client: deps.temporal.client, namespace: deps.temporal.namespace }));
  // Static pages and scripts, public like the probes: a sign-in page cannot need a key, nor count against the anonymous limit.
  if (deps.dashboardDir) app.use(dashboard(deps.dashboardDir));
  app.use(identify(deps.repos.apiKeys, deps.logger, sessions));
  app.use(rateLimits(deps.rateLimits ?? DEFAULT_RATE_LIMITS));
  app.use(auditTrail(deps.repos.audit, deps.logger));

  const plugins = deps.plugins ?? PluginRegistry.empty();
  const runs = new RunsService({ repos: deps.repos, temporal: deps.temporal, logger: deps.logger, bus: deps.bus, plugins, ...(deps.segmentEvents === undefined ? {} : { segmentEvents: deps.segmentEvents }) });
  const schedules = new SchedulesService({ client: deps.temporal.client, taskQueue: deps.temporal.taskQueue, repos: deps.repos, plugins, segmentEvents: deps.segmentEvents });
  const routes = [
    ...workflowRoutes(deps.repos, { pricing: deps.pricing, tiers: deps.tiers }, plugins),
    ...runRoutes(runs),
    ...eventRoutes({ runs, events: deps.repos.runEvents, bus: deps.bus }),
    ...scheduleRoutes(schedules),
    ...budgetRoutes(deps.repos),
    ...analyticsRoutes(deps.repos),
    ...pluginRoutes(plugins),
    ...identityRoutes(),
    ...keyRoutes(deps.repos.apiKeys),
    ...auditRoutes(deps.repos.audit),
    ...userRoutes(deps.repos.users, deps.repos.sessions, sessions.now),
    ...alertRoutes(deps.repos.alerts),
    ...exportRoutes(deps.exports),
  ];
  app.use(docsRouter(routes, plugins));
  app.use(authRoutes({ oidc: oidcSettings && new OidcClient(oidcSettings), sessions, users: deps.repos.users, logger: deps.logger }));
  app.use(API_BASE, requireIdentity);
  app.use(bodyParsers(deps.maxBodyBytes));
  const api = Router();
  mountRoutes(api, routes, { checkResponses: deps.checkResponses ?? true });
  app.use(api);

  app.use(notFoundHandler);
  app.use(errorMiddleware(deps.logger));
  return app;
}
