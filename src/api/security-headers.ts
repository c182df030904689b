import cors from 'cors';
import type { RequestHandler } from 'express';
import helmet from 'helmet';

/** HSTS for a year, sent only on responses that went over TLS. */
const HSTS = 'max-age=31536000; includeSubDomains';

/**
 * The headers of contract weft-ops §4 on every response: helmet's defaults with
 * a CSP that allows nothing but the page's own styles (the API serves JSON and
 * one server-rendered page), `frame-ancestors 'none'` and `X-Frame-Options:
 * DENY`, nosniff; HSTS only when the request came over TLS (over plain HTTP a
 * browser ignores it, and it would wrongly pin a dev server). CORS only for
 * the listed origins, and none at all without a list.
 */
export function securityHeaders(corsOrigins: readonly string[] | undefined): RequestHandler[] {
  const headers: RequestHandler[] = [
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: { defaultSrc: ["'none'"], styleSrc: ["'self'"], imgSrc: ["'self'"], baseUri: ["'none'"], formAction: ["'none'"], frameAncestors: ["'none'"] },
      },
      frameguard: { action: 'deny' },
      strictTransportSecurity: false,
    }),
    (req, res, next) => {
      if (req.secure) res.setHeader('Strict-Transport-Security', HSTS);
      next();
    },
  ];
  if (corsOrigins && corsOrigins.length > 0) {
    headers.push(
      cors({
        origin: [...corsOrigins],
        allowedHeaders: ['Authorization', 'Content-Type', 'X-Request-Id', 'Last-Event-ID'],
        exposedHeaders: ['X-Request-Id', 'Retry-After', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset'],
        maxAge: 600,
      }),
    );
  }
  return headers;
}
