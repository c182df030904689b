import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { ApiKeyIdentity } from '../db/api-keys-repo.js';

declare module 'express-serve-static-core' {
  interface Request {
    /** Correlates logs, audit records and error envelopes. */
    id: string;
    /** The authenticated key, on `/api/v1` routes. */
    identity?: ApiKeyIdentity;
  }
  interface Locals {
    /** The audit record's route part, set when a mutating route matched (see `audit-trail.ts`). */
    audit?: { action: string; target: string | null; details?: Record<string, unknown> };
    /** The error code the response carries, for the audit record. */
    errorCode?: string;
  }
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** Takes a sane `X-Request-Id` from the caller or makes one, and echoes it. */
export const requestId: RequestHandler = (req, res, next) => {
  const given = req.header('x-request-id');
  req.id = given && REQUEST_ID.test(given) ? given : randomUUID();
  res.setHeader('X-Request-Id', req.id);
  next();
};
