import { doublePrecision, index, integer, jsonb, pgTable, text, timestamp, unique } from 'drizzle-orm/pg-core';
import type { NodeError, NodeStatus } from '../../dag/run-state.js';

/**
 * One row per (run, node, attempt). Activities write their own attempts and the
 * run's end fills in the rest; the unique key makes every write idempotent, so
 * retries and replays never duplicate a row.
 */
export const nodeExecutions = pgTable(
  'node_executions',
  {
    runId: text('run_id').notNull(),
    nodeId: text('node_id').notNull(),
    attempt: integer('attempt').notNull(),
    status: text('status').$type<NodeStatus>().notNull(),
    fallback: integer('fallback'),
    startedAt: timestamp('started_at', { withTimezone: true }),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    output: jsonb('output'),
    error: jsonb('error').$type<NodeError>(),
    costUsd: doublePrecision('cost_usd'),
    /** Executor-specific detail (an agent's conversation, an http exchange); never secrets. */
    detail: jsonb('detail'),
  },
  (t) => [
    unique('node_executions_key').on(t.runId, t.nodeId, t.attempt),
    // Budget periods and cost reports sum attempts by when they ended.
    index('node_executions_ended_idx').on(t.endedAt),
  ],
);

/** A `node_executions` row as read. */
export type NodeExecutionRow = typeof nodeExecutions.$inferSelect;
/** A `node_executions` row as written. */
export type NewNodeExecution = typeof nodeExecutions.$inferInsert;
