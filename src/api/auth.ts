import type { RequestHandler } from 'express';
import type { ApiKeysRepo } from '../db/api-keys-repo.js';
import type { Logger } from '../logger.js';
import { accessFor, roleAllows } from './access.js';
import { AppError } from './errors.js';

/** How often a key's `lastUsedAt` is written at most, per process. */
const TOUCH_EVERY_MS = 60_000;

/**
 * Reads the bearer key, if any, and sets `req.identity` when it names an active
 * key. Refuses nothing itself: the rate limiter needs to know keyed from
 * anonymous callers first, and public routes take both. A key is read from the
 * database at most every few seconds (`ApiKeysRepo.authenticate`): a key revoked
 * through this process fails from its next request on, through another within
 * that delay; an expired key from its expiry.
 * Keys are read from the `Authorization` header only, never from the query.
 */
export function identify(keys: ApiKeysRepo, logger: Logger): RequestHandler {
  const touched = new Map<string, number>();
  return async (req, _res, next) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.header('authorization') ?? '');
    if (match) {
      const identity = await keys.authenticate(match[1]!);
      if (identity) {
        req.identity = identity;
        const now = Date.now();
        if (now - (touched.get(identity.id) ?? 0) >= TOUCH_EVERY_MS) {
          touched.set(identity.id, now);
          // Bookkeeping, not authorization: a failed write must not fail the request.
          await keys.touch(identity.id).catch((err: unknown) => logger.warn({ err, keyId: identity.id }, 'could not record a key use'));
        }
      }
    }
    next();
  };
}

/** 401 for a request without an active key. */
export const requireIdentity: RequestHandler = (req, _res, next) => {
  if (!req.identity) {
    const sent = req.header('authorization') !== undefined;
    throw new AppError('UNAUTHENTICATED', sent ? 'unknown, expired or revoked API key' : 'send an API key as Authorization: Bearer <key>');
  }
  next();
};

/**
 * The guard of one route, from the access table: nothing for public routes,
 * else 401 without a key and 403 for a role below the route's.
 * @throws Error at start-up when the table has no entry for the route.
 */
export function authorize(method: string, pattern: string): RequestHandler[] {
  const { role } = accessFor(method, pattern);
  if (role === 'public') return [];
  return [
    requireIdentity,
    (req, _res, next) => {
      if (!roleAllows(req.identity!.role, role)) throw new AppError('FORBIDDEN', `this needs the ${role} role`);
      next();
    },
  ];
}
