import { bigserial, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** What a stored event tells: one node's state, the run's (contract weft-ops §1), or an agent loop's step (weft-agents 6). */
export const runEventKinds = ['node', 'run', 'agent'] as const;
export type RunEventKind = (typeof runEventKinds)[number];

/**
 * Every state change of a run and of its top-level nodes, in the order they
 * happened: the source of the live event streams that every API process
 * serves. The id is the stream's event id.
 */
export const runEvents = pgTable(
  'run_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    runId: text('run_id').notNull(),
    workflow: text('workflow').notNull(),
    kind: text('kind').$type<RunEventKind>().notNull(),
    /** Names the change, so writing it again (a retried workflow task calls its sinks again) is a no-op. */
    dedup: text('dedup').notNull().unique(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('run_events_run_idx').on(t.runId, t.id)],
);

export type RunEventRow = typeof runEvents.$inferSelect;
export type NewRunEvent = typeof runEvents.$inferInsert;
