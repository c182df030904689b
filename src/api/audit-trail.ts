import type { RequestHandler } from 'express';
import type { AuditRepo } from '../db/audit-repo.js';
import type { AuditOutcome } from '../db/schema/audit.js';
import type { Logger } from '../logger.js';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Caller-supplied text is cut to this many characters in a record. */
const MAX_TEXT = 256;

function outcomeOf(status: number): AuditOutcome {
  if (status === 403) return 'denied';
  return status < 400 ? 'ok' : 'error';
}

/**
 * Writes the audit record of every mutating request that passed authentication
 * (contract weft-ops §3), once its response is sent, whatever the outcome: the
 * one place records are written. The route's action, target and safe details
 * come from `res.locals.audit` (the access table and the handler); a mutating
 * request that matched no route is recorded as `request.unrouted`. Bodies are
 * never copied; details hold only what handlers chose and the error code.
 */
export function auditTrail(audit: AuditRepo, logger: Logger): RequestHandler {
  return (req, res, next) => {
    res.on('finish', () => {
      const actor = res.locals.auditActor ?? req.identity;
      const route = res.locals.audit;
      // A read is audited only when its route says it acts (a sign-in arrives as a GET).
      if (!actor || (READS.has(req.method) && !route)) return;
      // A mutating method on a read-only route (e.g. POST /workflows/validate) changes nothing.
      if (!route && req.route) return;
      const details = { ...route?.details, ...(res.locals.errorCode ? { code: res.locals.errorCode } : {}) };
      audit
        .record({
          actor: { id: actor.id, ref: actor.ref, name: actor.name, role: actor.role },
          action: route?.action ?? 'request.unrouted',
          target: route ? route.target : `${req.method} ${req.path}`.slice(0, MAX_TEXT),
          outcome: outcomeOf(res.statusCode),
          status: res.statusCode,
          requestId: req.id,
          ip: req.ip ?? null,
          userAgent: req.header('user-agent')?.slice(0, MAX_TEXT) ?? null,
          details: Object.keys(details).length > 0 ? details : null,
        })
        // The response is gone: an audit write that fails can only be logged, loudly.
        .catch((err: unknown) => logger.error({ err, requestId: req.id }, 'could not write an audit record'));
    });
    next();
  };
}
