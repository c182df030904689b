import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { type RequestHandler, Router } from 'express';

/**
 * The dashboard's pages (weft-ops §11, §4): its own scripts, styles, images
 * and fonts only; API calls and event streams to this origin only; no inline
 * script, no eval, no framing, no plugins, no form posts elsewhere.
 */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Paths the dashboard never answers, so its client-side routes cannot shadow the API or the probes. */
const NOT_DASHBOARD = /^\/(api|auth|health|ready|metrics)(\/|$)/;
/** Vite names built assets by their content hash: they never change, so they are cached for good. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * Serves the built dashboard (`web/dist`) at `/`: hashed assets immutable,
 * `index.html` revalidated on every load (`no-cache`) so a new build shows at
 * once, and `index.html` for every other GET that asks for HTML (the app's
 * deep links such as `/runs/{id}`). Nothing when the app was never built.
 */
export function dashboard(dir: string): RequestHandler {
  const index = join(dir, 'index.html');
  if (!existsSync(index)) return (_req, _res, next) => next();
  const pages = Router();
  pages.use((_req, res, next) => {
    res.setHeader('Content-Security-Policy', DASHBOARD_CSP);
    next();
  });
  pages.use(
    '/assets',
    express.static(join(dir, 'assets'), { index: false, setHeaders: (res) => res.setHeader('Cache-Control', IMMUTABLE) }),
  );
  pages.use(express.static(dir, { index: false, setHeaders: (res) => res.setHeader('Cache-Control', 'no-cache') }));
  // A middleware, not a route: the access table lists the API's routes, and this is none of them.
  pages.use((req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || req.path.startsWith('/assets/') || !req.accepts('html')) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
  // API calls and probes skip it: static files would look each of their paths up on disk first.
  return (req, res, next) => (NOT_DASHBOARD.test(req.path) ? next() : pages(req, res, next));
}
