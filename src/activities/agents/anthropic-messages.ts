import type Anthropic from '@anthropic-ai/sdk';
import type { ContentBlock, ConversationMessage, TokenUsage, ToolDefinition } from '../../dag/conversation.js';
import type { Thinking, ToolChoice } from '../../dag/schema.js';

/**
 * Weft's conversation in Anthropic's Messages API terms and back (weft-agents 4):
 * tool calls are `tool_use` blocks, results `tool_result` blocks, and thinking
 * goes back exactly as the model sent it.
 */

/** The request's messages. A user message's tool results go first, as the API requires. */
export function toAnthropicMessages(messages: ConversationMessage[]): Anthropic.MessageParam[] {
  return messages.map((message) => {
    if (message.role === 'assistant') return { role: 'assistant', content: message.content.flatMap(assistantBlock) };
    const results = message.content.filter((b) => b.type === 'tool_result');
    const rest = message.content.filter((b) => b.type !== 'tool_result');
    return { role: 'user', content: [...results, ...rest].flatMap(userBlock) };
  });
}

function assistantBlock(block: ContentBlock): Anthropic.ContentBlockParam[] {
  switch (block.type) {
    case 'text':
      return [{ type: 'text', text: block.text }];
    case 'thinking':
      if (block.redacted !== undefined) return [{ type: 'redacted_thinking', data: block.redacted }];
      // Unsigned thinking (the offline script's, another vendor's after a fallback) cannot be verified
      // by Anthropic, which refuses it: it stays in Weft's record but is not sent.
      return block.signature === undefined ? [] : [{ type: 'thinking', thinking: block.thinking, signature: block.signature }];
    case 'tool_call':
      return [{ type: 'tool_use', id: block.callId, name: block.tool, input: block.args }];
    case 'tool_result':
      return [];
  }
}

function userBlock(block: ContentBlock): Anthropic.ContentBlockParam[] {
  switch (block.type) {
    case 'text':
      return [{ type: 'text', text: block.text }];
    case 'tool_result':
      return [{ type: 'tool_result', tool_use_id: block.callId, content: block.content, is_error: block.isError }];
    default:
      return [];
  }
}

/** An answer's content in Weft's blocks; block kinds Weft does not ask for (server tools) are left out. */
export function fromAnthropicContent(content: Anthropic.ContentBlock[]): ContentBlock[] {
  return content.flatMap((block): ContentBlock[] => {
    switch (block.type) {
      case 'text':
        return [{ type: 'text', text: block.text }];
      case 'thinking':
        return [{ type: 'thinking', thinking: block.thinking, signature: block.signature }];
      case 'redacted_thinking':
        return [{ type: 'thinking', thinking: '', redacted: block.data }];
      case 'tool_use':
        return [{ type: 'tool_call', callId: block.id, tool: block.name, args: block.input }];
      default:
        return [];
    }
  });
}

export function anthropicTools(tools: ToolDefinition[]): Anthropic.Tool[] {
  return tools.map((tool) => ({ name: tool.name, description: tool.description, input_schema: tool.parameters as Anthropic.Tool.InputSchema }));
}

const TOOL_CHOICES: Record<ToolChoice, Anthropic.ToolChoice> = { auto: { type: 'auto' }, required: { type: 'any' }, none: { type: 'none' } };

export function anthropicToolChoice(choice: ToolChoice | undefined): Anthropic.ToolChoice {
  return TOOL_CHOICES[choice ?? 'auto'];
}

/** `thinking` as the API takes it; 'off' and absent send nothing. */
export function anthropicThinking(thinking: Thinking | undefined): Anthropic.ThinkingConfigParam | undefined {
  if (thinking === undefined || thinking === 'off') return undefined;
  if (thinking === 'adaptive') return { type: 'adaptive' };
  return { type: 'enabled', budget_tokens: thinking.budgetTokens };
}

export function anthropicUsage(usage: Anthropic.Usage): TokenUsage {
  return {
    inputTokens: usage.input_tokens,
    outputTokens: usage.output_tokens,
    ...(usage.cache_read_input_tokens ? { cacheReadTokens: usage.cache_read_input_tokens } : {}),
  };
}
