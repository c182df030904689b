import type { RequestHandler } from 'express';
import type { ApiKeysRepo } from '../db/api-keys-repo.js';
import type { Logger } from '../logger.js';
import { accessFor, roleAllows } from './access.js';
import { AppError } from './errors.js';
import { sameOriginMutations } from './sessions/same-origin.js';
import type { SessionAuth } from './sessions/session-auth.js';

/** How often a key's `lastUsedAt` is written at most, per process. */
const TOUCH_EVERY_MS = 60_000;

/**
 * Reads the bearer key, if any, else the session cookie (`sessions`, when
 * sign-in is on), and sets `req.identity` when it names an active key or a
 * live session. Refuses nothing itself: the rate limiter needs to know keyed from
 * anonymous callers first, and public routes take both. A session's row is read
 * on every request; a key's at most every few seconds (`ApiKeysRepo.authenticate`):
 * a key revoked through this process fails from its next request on, through
 * another within that delay; an expired key from its expiry.
 * Keys are read from the `Authorization` header only, never from the query.
 */
export function identify(keys: ApiKeysRepo, logger: Logger, sessions?: SessionAuth): RequestHandler {
  const touched = new Map<string, number>();
  return async (req, res, next) => {
    const header = req.header('authorization');
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    if (header === undefined && sessions) {
      req.identity = await sessions.identify(req, res);
    } else if (match) {
      const identity = await keys.authenticate(match[1]!);
      if (identity) {
        req.identity = { kind: 'key', id: identity.id, name: identity.name, role: identity.role, ref: `key:${identity.prefix ?? identity.id}` };
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
    throw new AppError('UNAUTHENTICATED', sent ? 'unknown, expired or revoked API key' : 'send an API key as Authorization: Bearer <key>, or sign in');
  }
  next();
};

/**
 * The guard of one route, from the access table: nothing for public routes,
 * else 401 without a key or session, 403 for a session's mutation without its
 * CSRF token and a same-origin `Origin`, and 403 for a role below the route's.
 * @throws Error at start-up when the table has no entry for the route.
 */
export function authorize(method: string, pattern: string): RequestHandler[] {
  const { role } = accessFor(method, pattern);
  if (role === 'public') return [];
  return [
    requireIdentity,
    sameOriginMutations,
    (req, _res, next) => {
      if (!roleAllows(req.identity!.role, role)) throw new AppError('FORBIDDEN', `this needs the ${role} role`);
      next();
    },
  ];
}
