import type { RequestHandler } from 'express';
import type { ApiKeysRepo } from '../db/api-keys-repo.js';
import type { Role } from '../db/schema/api-keys.js';
import { AppError } from './errors.js';

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

/** Bearer-key authentication against the hashed keys in the database. */
export function authenticate(keys: ApiKeysRepo): RequestHandler {
  return async (req, _res, next) => {
    const header = req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw new AppError('UNAUTHENTICATED', 'send an API key as Authorization: Bearer <key>');
    const identity = await keys.authenticate(match[1]!);
    if (!identity) throw new AppError('UNAUTHENTICATED', 'unknown or revoked API key');
    req.identity = identity;
    next();
  };
}

/** Admits keys whose role is at least `role` (admin > operator > viewer). */
export function requireRole(role: Role): RequestHandler {
  return (req, _res, next) => {
    const have = req.identity?.role;
    if (!have || RANK[have] < RANK[role]) throw new AppError('FORBIDDEN', `this needs the ${role} role`);
    next();
  };
}
