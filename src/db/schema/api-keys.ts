import { pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const roles = ['admin', 'operator', 'viewer'] as const;
export type Role = (typeof roles)[number];

/** API keys, stored as sha256 hashes only. */
export const apiKeys = pgTable('api_keys', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  keyHash: text('key_hash').notNull().unique(),
  role: text('role').$type<Role>().notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
});
