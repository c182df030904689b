import { jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import type { CriticalPathNode } from '../../dag/critical-path.js';

/**
 * One row per ended run: its critical path, computed once from its node records
 * when it ends (or when first asked, for a run that ended before this table),
 * so reading it never walks a 10,000-node graph in SQL.
 */
export const runCriticalPaths = pgTable('run_critical_paths', {
  runId: text('run_id').primaryKey(),
  nodes: jsonb('nodes').$type<CriticalPathNode[]>().notNull(),
});
