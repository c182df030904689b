import { integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import type { ConversationMessage, ToolDefinition } from '../../dag/conversation.js';

/**
 * One row per agent loop (a node's, or a sub-agent's under a call: `scope`): the
 * tools its model was told of, kept when its first turn ran so every later turn,
 * every replay and the approval of an edited call see the same ones.
 */
export const agentConversations = pgTable(
  'agent_conversations',
  {
    runId: text('run_id').notNull(),
    nodeId: text('node_id').notNull(),
    scope: text('scope').notNull(),
    tools: jsonb('tools').$type<ToolDefinition[]>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: 'agent_conversations_pk', columns: [t.runId, t.nodeId, t.scope] })],
);

/** What a turn's answer says of itself (weft-agents 3.5 `conversation`). */
export interface TurnMeta {
  turn: number;
  model: string | null;
  provider: string;
  startedAt: string;
  latencyMs: number;
  usage: { inputTokens: number; outputTokens: number };
  costUsd: number | null;
}

/**
 * An agent loop's messages, numbered: 0 the prompt, `2t-1` turn t's answer and
 * `2t` the results the model read after it. Kept here rather than in Temporal's
 * history, which holds only each turn's new results, so history grows with the
 * conversation, not with its square. Written by the turn activity, idempotently
 * by number, so a retried turn overwrites its own row.
 */
export const agentMessages = pgTable(
  'agent_messages',
  {
    runId: text('run_id').notNull(),
    nodeId: text('node_id').notNull(),
    scope: text('scope').notNull(),
    seq: integer('seq').notNull(),
    message: jsonb('message').$type<ConversationMessage>().notNull(),
    /** Set on answers. */
    meta: jsonb('meta').$type<TurnMeta>(),
  },
  (t) => [primaryKey({ name: 'agent_messages_pk', columns: [t.runId, t.nodeId, t.scope, t.seq] })],
);
