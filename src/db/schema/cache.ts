import { index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** Cached node results (`cache: {ttl}` on agent and http nodes), keyed by a hash of what the node resolved to. */
export const cacheEntries = pgTable(
  'cache_entries',
  {
    key: text('key').primaryKey(),
    nodeType: text('node_type').notNull(),
    value: jsonb('value').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('cache_entries_expires_idx').on(t.expiresAt)],
);
