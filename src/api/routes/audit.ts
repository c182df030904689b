import { z } from 'zod';
import type { AuditRepo } from '../../db/audit-repo.js';
import { roles } from '../../db/schema/api-keys.js';
import { auditOutcomes, type AuditRow } from '../../db/schema/audit.js';
import { AppError } from '../errors.js';
import { timestamp } from '../responses.js';
import { defineRoute, reply, type RouteSpec } from '../route-spec.js';

const auditQuery = z.object({
  /** A key or user id, or an actor as records name it (`key:<prefix>`, `user:<email>`). */
  actor: z.string().min(1).max(320).optional(),
  action: z.string().min(1).max(100).optional(),
  outcome: z.enum(auditOutcomes).optional(),
  since: timestamp.optional(),
  until: timestamp.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().regex(/^[1-9][0-9]{0,15}$/, 'not a cursor this API returned').optional(),
});

export const auditRecord = z.object({
  id: z.int(),
  at: timestamp,
  /**
   * The acting key (`keyId`) or signed-in user (`userId`), named by `ref`: `key:<prefix>` or `user:<email>`.
   * Records from before keys had names and roles in the log carry only the key id; from before sign-in, no ref.
   */
  actor: z.object({ keyId: z.string().nullable(), userId: z.string().nullable(), ref: z.string().nullable(), name: z.string().nullable(), role: z.enum(roles).nullable() }),
  action: z.string(),
  target: z.string().nullable(),
  outcome: z.enum(auditOutcomes),
  status: z.int().nullable(),
  requestId: z.string().nullable(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  details: z.record(z.string(), z.unknown()).nullable(),
});

function recordFrom(row: AuditRow): z.output<typeof auditRecord> {
  const { actor, actorRef, actorName, actorRole, details, ...rest } = row;
  const isUser = actorRef?.startsWith('user:') === true;
  return {
    ...rest,
    actor: { keyId: isUser ? null : actor, userId: isUser ? actor : null, ref: actorRef, name: actorName, role: actorRole },
    details: (details as Record<string, unknown> | null) ?? null,
  };
}

/** `GET /audit` (admin): the audit log, newest first, filtered, in keyset pages. */
export function auditRoutes(audit: AuditRepo): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/audit',
      summary: 'The audit log, newest first (cursor: the nextCursor of the previous page)',
      query: auditQuery,
      responses: { 200: { description: 'a page of records', schema: z.object({ items: z.array(auditRecord), nextCursor: z.string().nullable() }) } },
    },
    async ({ query }) => {
        if (query.since && query.until && query.since > query.until) throw new AppError('BAD_REQUEST', 'since is after until');
        const { cursor, limit, ...filters } = query;
        const rows = await audit.list({ ...filters, limit: limit + 1, before: cursor === undefined ? undefined : Number(cursor) });
        const page = rows.slice(0, limit);
        const nextCursor = rows.length > limit ? String(page[page.length - 1]!.id) : null;
        return reply(200, { items: page.map(recordFrom), nextCursor });
      },
    ),
  ];
}
