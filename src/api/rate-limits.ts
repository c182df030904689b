import type { Request, RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { AppError } from './errors.js';

/** Requests a minute (contract weft-ops §4). */
export interface RateLimits {
  /** Per API key or user session. */
  perKey: number;
  /** Per client address, for requests without a valid key. */
  perAddress: number;
}

/** The defaults of the contract: `WEFT_RATE_LIMIT` 1200 a key, 120 an address. */
export const DEFAULT_RATE_LIMITS: RateLimits = { perKey: 1_200, perAddress: 120 };

/** Probes and scrapes are never limited. */
const UNLIMITED = new Set(['/health', '/ready', '/metrics']);

/**
 * Two fixed-window limiters after identification: one counting per key, one per
 * address for everyone else, so a bad key cannot spend a good key's budget.
 * Counts are per process (memory store): N API replicas admit up to N times
 * the limit. Over it: 429 `RATE_LIMITED` with `Retry-After` and the
 * draft-6 `RateLimit-*` headers, which go out on every limited response.
 */
export function rateLimits(limits: RateLimits): RequestHandler[] {
  const common = {
    windowMs: 60_000,
    standardHeaders: 'draft-6' as const,
    legacyHeaders: false,
    handler: (_req: Request, _res: unknown, next: (err: unknown) => void, options: { limit: unknown }) => {
      next(new AppError('RATE_LIMITED', 'too many requests; retry after the time in Retry-After', { limit: options.limit, windowSeconds: 60 }));
    },
  };
  return [
    rateLimit({ ...common, limit: limits.perKey, skip: (req) => !req.identity || UNLIMITED.has(req.path), keyGenerator: (req) => `${req.identity!.kind}:${req.identity!.id}` }),
    rateLimit({ ...common, limit: limits.perAddress, skip: (req) => req.identity !== undefined || UNLIMITED.has(req.path), keyGenerator: (req) => `ip:${ipKeyGenerator(req.ip ?? '')}` }),
  ];
}
