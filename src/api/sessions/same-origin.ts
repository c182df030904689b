import { timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { AppError } from '../errors.js';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);
/** The header a session's mutations carry its CSRF token in (the token: `GET /api/v1/whoami`). */
export const CSRF_HEADER = 'x-csrf-token';

/** Where `createApp` keeps the configured public origin (the redirect URL's), in `app.locals`. */
export const PUBLIC_ORIGIN = 'weftPublicOrigin';

/** The origin the dashboard is served from: the configured public URL's, else the request's own. */
export function originOf(req: Request): string {
  const configured = req.app.locals[PUBLIC_ORIGIN] as string | undefined;
  return configured ?? `${req.protocol}://${req.get('host') ?? ''}`;
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Cookie-authenticated mutations (weft-ops §15) need a same-origin `Origin`
 * and the session's CSRF token: the cookie rides along on any cross-site
 * request, the header only on the dashboard's own. Keys in the Authorization
 * header need neither (no browser sends them by itself). Part of each route's
 * guard, so a refused cross-site attempt is audited, as denied, under its route.
 */
export const sameOriginMutations: RequestHandler = (req, _res, next) => {
  const session = req.identity?.session;
  if (!session || SAFE.has(req.method)) return next();
  const origin = req.header('origin');
  if (!origin || origin !== originOf(req)) throw new AppError('FORBIDDEN', 'a cross-site request with the session cookie is refused (Origin is not this site)');
  const token = req.header(CSRF_HEADER);
  if (!token || !sameText(token, session.csrfToken)) throw new AppError('FORBIDDEN', `a request with the session cookie needs the session's CSRF token in ${CSRF_HEADER}`);
  next();
};
