import { pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const roles = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof roles)[number];

/** API keys, stored as sha256 hashes only. */
export const apiKeys = pgTable('api_keys', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  keyHash: text('key_hash').notNull().unique(),
  role: text('role').$type<Role>().notNull(),
  /** The key's first characters, to recognise it in lists; null for keys configured as plaintext (bootstrap), whose characters are not shown. */
  prefix: text('prefix'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  expiresAt: timestamp('expires_at', { withTimezone: true }),
  /** Coarse: written at most once a minute per key, never on every request. */
  lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
});

export type ApiKeyRow = typeof apiKeys.$inferSelect;
