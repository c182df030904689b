import { and, asc, eq } from 'drizzle-orm';
import type { ConversationMessage, ToolDefinition } from '../dag/conversation.js';
import type { Db } from './client.js';
import { agentConversations, agentMessages, type TurnMeta } from './schema/agent-conversations.js';

/** Which loop: a node's (`scope` `''`) or a sub-agent's under a call. */
export interface ConversationRef {
  runId: string;
  nodeId: string;
  scope: string;
}

/** A stored message, with its number and, for answers, what the turn says of itself. */
export interface StoredMessage {
  seq: number;
  message: ConversationMessage;
  meta: TurnMeta | null;
}

/** Agent loops' conversations (weft-agents 3.3): tools kept at the first turn, then every message by number. */
export class AgentConversationsRepo {
  constructor(private readonly db: Db) {}

  /** Keeps the loop's tools; a retried first turn keeps the first ones. */
  async keepTools(ref: ConversationRef, tools: ToolDefinition[]): Promise<void> {
    await this.db.insert(agentConversations).values({ ...ref, tools }).onConflictDoNothing();
  }

  async tools(ref: ConversationRef): Promise<ToolDefinition[] | undefined> {
    const [row] = await this.db.select({ tools: agentConversations.tools }).from(agentConversations).where(this.loop(ref));
    return row?.tools;
  }

  /** Writes message `seq` (a retried turn overwrites its own). */
  async put(ref: ConversationRef, seq: number, message: ConversationMessage, meta: TurnMeta | null = null): Promise<void> {
    await this.db
      .insert(agentMessages)
      .values({ ...ref, seq, message, meta })
      .onConflictDoUpdate({ target: [agentMessages.runId, agentMessages.nodeId, agentMessages.scope, agentMessages.seq], set: { message, meta } });
  }

  /** Messages `0 … below - 1`, in order. */
  async messages(ref: ConversationRef, below = Number.MAX_SAFE_INTEGER): Promise<StoredMessage[]> {
    const rows = await this.db
      .select({ seq: agentMessages.seq, message: agentMessages.message, meta: agentMessages.meta })
      .from(agentMessages)
      .where(and(eq(agentMessages.runId, ref.runId), eq(agentMessages.nodeId, ref.nodeId), eq(agentMessages.scope, ref.scope)))
      .orderBy(asc(agentMessages.seq));
    return rows.filter((r) => r.seq < below);
  }

  /** Every loop of a node (its own and its sub-agents'), for the API's `conversation`. */
  async ofNode(runId: string, nodeId: string): Promise<(StoredMessage & { scope: string })[]> {
    return this.db
      .select({ scope: agentMessages.scope, seq: agentMessages.seq, message: agentMessages.message, meta: agentMessages.meta })
      .from(agentMessages)
      .where(and(eq(agentMessages.runId, runId), eq(agentMessages.nodeId, nodeId)))
      .orderBy(asc(agentMessages.scope), asc(agentMessages.seq));
  }

  private loop(ref: ConversationRef) {
    return and(eq(agentConversations.runId, ref.runId), eq(agentConversations.nodeId, ref.nodeId), eq(agentConversations.scope, ref.scope));
  }
}
