import { bigserial, index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import type { Role } from './api-keys.js';

export const auditOutcomes = ['ok', 'denied', 'error'] as const;
export type AuditOutcome = (typeof auditOutcomes)[number];

/**
 * Every mutating API request that passed authentication: who, what, on what, and
 * how it ended. Append-only: a trigger in its migration refuses UPDATE, DELETE and TRUNCATE.
 * Records written before that migration have no name, role, status, ip or agent.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    /** The acting key's id, or user's id (see `actorRef`). */
    actor: text('actor'),
    /** `key:<prefix>` or `user:<email>` (weft-ops §15); null on records older than sign-in. */
    actorRef: text('actor_ref'),
    actorName: text('actor_name'),
    actorRole: text('actor_role').$type<Role>(),
    action: text('action').notNull(),
    target: text('target'),
    outcome: text('outcome').$type<AuditOutcome>().notNull().default('ok'),
    status: integer('status'),
    requestId: text('request_id'),
    ip: text('ip'),
    userAgent: text('user_agent'),
    details: jsonb('details'),
  },
  (t) => [index('audit_log_actor_idx').on(t.actor, t.id), index('audit_log_at_idx').on(t.at)],
);

export type AuditRow = typeof auditLog.$inferSelect;
