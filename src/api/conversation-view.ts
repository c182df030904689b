import type { ContentBlock } from '../dag/conversation.js';
import type { StoredMessage } from '../db/agent-conversations-repo.js';
import type { TurnMeta } from '../db/schema/agent-conversations.js';

/** One turn as `GET /runs/{id}/nodes/{nodeId}` shows it (weft-agents 3.5). */
export interface ConversationTurn extends Omit<TurnMeta, 'provider'> {
  provider: string;
  /** The answer's blocks, then the results the model read after it; a sub-agent's result carries its own conversation. */
  content: (ContentBlock & { conversation?: ConversationTurn[] })[];
}

/**
 * A node's conversation from its stored messages (every scope's): turn t is
 * answer `2t-1` and the results `2t` that followed it; a sub-agent's loop
 * (scope `<callId>/`) is shown under the result of the call that started it.
 */
export function conversationView(messages: readonly (StoredMessage & { scope: string })[], scope = ''): ConversationTurn[] {
  const own = new Map(messages.filter((m) => m.scope === scope).map((m) => [m.seq, m]));
  const turns: ConversationTurn[] = [];
  for (const [seq, answer] of own) {
    if (seq % 2 === 0 || !answer.meta) continue;
    const results = own.get(seq + 1)?.message.content ?? [];
    const content = [...answer.message.content, ...results].map((block) => {
      if (block.type !== 'tool_result') return block;
      const sub = `${scope}${block.callId}/`;
      return messages.some((m) => m.scope === sub) ? { ...block, conversation: conversationView(messages, sub) } : block;
    });
    turns.push({ ...answer.meta, content });
  }
  return turns.sort((a, b) => a.turn - b.turn);
}
