import { integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import type { Definition } from '../../dag/schema.js';

/** One row per workflow name: where its versions start. */
export const workflows = pgTable('workflows', {
  name: text('name').primaryKey(),
  description: text('description'),
  latestVersion: integer('latest_version').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Immutable versions of a definition; runs are pinned to one. */
export const workflowVersions = pgTable(
  'workflow_versions',
  {
    name: text('name')
      .notNull()
      .references(() => workflows.name),
    version: integer('version').notNull(),
    /** sha256 of the canonical JSON of the definition. */
    hash: text('hash').notNull(),
    definition: jsonb('definition').$type<Definition>().notNull(),
    /** The text as the user sent it (YAML comments included), so nothing they gave is lost. */
    source: text('source'),
    createdBy: text('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.name, t.version] })],
);

/** A `workflows` row as read. */
export type WorkflowRow = typeof workflows.$inferSelect;
/** A `workflow_versions` row as read. */
export type WorkflowVersionRow = typeof workflowVersions.$inferSelect;
