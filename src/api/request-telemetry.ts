import type { Request, RequestHandler } from 'express';
import { withLogFields } from '../log-context.js';
import type { Logger } from '../logger.js';
import { httpRequestDuration, httpRequests } from '../metrics/registry.js';

/** Requests that matched no route (404s, and requests refused before routing, e.g. unauthenticated) share one label. */
export const UNMATCHED_ROUTE = 'unmatched';

/** Scrapes and probes come every few seconds: logged at debug, counted like any request. */
const QUIET_ROUTES: ReadonlySet<string> = new Set(['/metrics', '/health', '/health/live', '/health/ready']);

/**
 * Counts and logs every API request once its response is sent: method, route
 * pattern (never the path, which carries run ids), status and duration. The
 * mount path comes from `rememberMountPath`, since a router resets
 * `req.baseUrl` on the way out, before an async error's response is sent.
 */
export function requestTelemetry(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const start = process.hrtime.bigint();
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const route = routeOf(req);
      httpRequests.inc({ method: req.method, route, status: String(res.statusCode) });
      httpRequestDuration.observe({ method: req.method, route }, seconds);
      const line = { requestId: req.id, method: req.method, route, status: res.statusCode, durationMs: Math.round(seconds * 1e6) / 1e3 };
      if (QUIET_ROUTES.has(route)) logger.debug(line, 'request');
      else logger.info(line, 'request');
    });
    // Whatever is logged while handling the request (errors included) carries its id.
    withLogFields({ requestId: req.id }, next);
  };
}

/** Remembers a router's mount path for the request's route label: use it first in a router mounted at a path. */
export const rememberMountPath: RequestHandler = (req, _res, next) => {
  matchedBase.set(req, req.baseUrl);
  next();
};

const matchedBase = new WeakMap<Request, string>();

function routeOf(req: Request): string {
  const path: unknown = req.route?.path;
  if (typeof path !== 'string') return UNMATCHED_ROUTE;
  return `${matchedBase.get(req) ?? req.baseUrl}${path}`;
}
