import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Role } from '../db/schema/api-keys.js';

/** Who calls: an API key (machines) or a signed-in user's session (the dashboard), weft-ops §3 and §15. */
export interface Identity {
  kind: 'key' | 'user';
  /** The key's or the user's id. */
  id: string;
  /** The key's name; the user's name or email. */
  name: string;
  role: Role;
  /** The actor as audit records name it: `key:<prefix>` or `user:<email>`. */
  ref: string;
  /** A session's: the stored hash of its id (to end it) and the CSRF token its mutations must send. */
  session?: { idHash: string; csrfToken: string };
}

declare module 'express-serve-static-core' {
  interface Request {
    /** Correlates logs, audit records and error envelopes. */
    id: string;
    /** The authenticated key or session. */
    identity?: Identity;
  }
  interface Locals {
    /** The audit record's route part, set when a mutating route matched (see `audit-trail.ts`). */
    audit?: { action: string; target: string | null; details?: Record<string, unknown> };
    /** The actor of the audit record when it is not `req.identity`: a sign-in, which has no identity yet (or none at all, without a role). */
    auditActor?: { id: string; ref: string; name: string; role: Role | null };
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
