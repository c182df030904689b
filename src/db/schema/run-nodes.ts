import { jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import type { NodeRecord } from '../../dag/run-state.js';

/**
 * One row per (run, node): the node's record (contract 3.1) once it settled.
 * A run writes these as it continues as new and when it ends, in chunks, so a
 * 10,000-node run never needs one payload holding every record.
 */
export const runNodes = pgTable(
  'run_nodes',
  {
    runId: text('run_id').notNull(),
    nodeId: text('node_id').notNull(),
    record: jsonb('record').$type<NodeRecord>().notNull(),
  },
  (t) => [primaryKey({ name: 'run_nodes_pk', columns: [t.runId, t.nodeId] })],
);
