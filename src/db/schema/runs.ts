import { doublePrecision, boolean, index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import type { RunError, RunStatus } from '../../dag/run-state.js';
import type { RunTrigger } from '../../dag/run-trigger.js';
import type { Definition } from '../../dag/schema.js';

/** One row per run; the id is the Temporal workflow id. Final state is written when the run ends; node records live in `run_nodes`. */
export const runs = pgTable(
  'runs',
  {
    id: text('id').primaryKey(),
    workflowName: text('workflow_name').notNull(),
    /** Null for ad-hoc runs, whose definition is kept in `definition`. */
    workflowVersion: integer('workflow_version'),
    definition: jsonb('definition').$type<Definition>(),
    status: text('status').$type<RunStatus>().notNull(),
    degraded: boolean('degraded').notNull().default(false),
    input: jsonb('input'),
    output: jsonb('output'),
    error: jsonb('error').$type<RunError>(),
    costUsd: doublePrecision('cost_usd').notNull().default(0),
    /** Its task priority, 1 (most urgent) to 5 (batch), as given at start or by its definition's `limits.priority` (src/dag/priority.ts). */
    priority: integer('priority').notNull().default(3),
    idempotencyKey: text('idempotency_key').unique(),
    createdBy: text('created_by'),
    /** What started the run; null on runs started outside the API (their row is written when they end). */
    trigger: jsonb('trigger').$type<RunTrigger>(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    endedAt: timestamp('ended_at', { withTimezone: true }),
  },
  (t) => [index('runs_started_idx').on(t.startedAt, t.id), index('runs_workflow_idx').on(t.workflowName, t.startedAt)],
);

/** A `runs` row as read. */
export type RunRow = typeof runs.$inferSelect;
