import { index, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import type { Role } from './api-keys.js';

/**
 * People who signed in through the OpenID provider (weft-ops §15), one row per
 * (issuer, subject): the role their claim mapped to at their last sign-in, and
 * an admin's override, which wins while set.
 */
export const users = pgTable(
  'users',
  {
    id: text('id').primaryKey(),
    issuer: text('issuer').notNull(),
    subject: text('subject').notNull(),
    email: text('email'),
    name: text('name'),
    /** From the role claim through WEFT_OIDC_ROLE_MAP at the last sign-in; null: no mapped role. */
    claimRole: text('claim_role').$type<Role>(),
    /** Set by an admin (`PATCH /users/{id}`); wins over `claimRole` while not null. */
    roleOverride: text('role_override').$type<Role>(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('users_issuer_subject_idx').on(t.issuer, t.subject)],
);

export type UserRow = typeof users.$inferSelect;

/**
 * Dashboard sessions. The id sent in the cookie is never stored: only its
 * sha256 (like API keys), so a copy of the table opens no session.
 */
export const userSessions = pgTable(
  'user_sessions',
  {
    idHash: text('id_hash').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    /** Idle expiry: pushed forward while the session is used (never past `endsAt`). */
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    /** Absolute end, whatever the use. */
    endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [index('user_sessions_user_idx').on(t.userId)],
);
