import type OpenAI from 'openai';
import type { ContentBlock, ConversationMessage, TokenUsage, ToolDefinition } from '../../dag/conversation.js';

type Chat = OpenAI.Chat.Completions.ChatCompletionMessageParam;
type Usage = OpenAI.Completions.CompletionUsage;

/**
 * Weft's conversation in Chat Completions terms and back (weft-agents 4): an
 * assistant message's calls are its `tool_calls`, each result is a `tool`
 * message. Thinking has no place in this API: it is not sent.
 */

/** The request's messages after the system message: each tool result its own `tool` message, in order, before any text of the same turn. */
export function toOpenAiMessages(messages: ConversationMessage[]): Chat[] {
  return messages.flatMap((message): Chat[] => {
    const text = message.content.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join('');
    if (message.role === 'assistant') {
      const calls = message.content.flatMap((b) => (b.type === 'tool_call' ? [b] : []));
      if (calls.length === 0) return [{ role: 'assistant', content: text }];
      const toolCalls = calls.map((c) => ({ id: c.callId, type: 'function' as const, function: { name: c.tool, arguments: argumentsText(c.args) } }));
      return [{ role: 'assistant', content: text === '' ? null : text, tool_calls: toolCalls }];
    }
    const results = message.content.flatMap((b): Chat[] => (b.type === 'tool_result' ? [{ role: 'tool', tool_call_id: b.callId, content: resultText(b) }] : []));
    const hasText = message.content.some((b) => b.type === 'text');
    return hasText ? [...results, { role: 'user', content: text }] : results;
  });
}

/** Arguments the model sent as unparseable text go back as that text. */
function argumentsText(args: unknown): string {
  return typeof args === 'string' ? args : JSON.stringify(args ?? {});
}

/**
 * A `tool` message has no error flag: an error result says so in its text. The
 * loop's own errors (`{"error": …}`) already do; anything else gets a prefix.
 */
function resultText(block: Extract<ContentBlock, { type: 'tool_result' }>): string {
  if (!block.isError || block.content.startsWith('{"error"')) return block.content;
  return `Error: ${block.content}`;
}

export function openAiTools(tools: ToolDefinition[]): OpenAI.Chat.Completions.ChatCompletionTool[] {
  return tools.map((tool) => ({ type: 'function', function: { name: tool.name, description: tool.description, parameters: tool.parameters } }));
}

/** One call the model asks for, as the API gives it (whole or assembled from stream deltas). */
export interface OpenAiToolCall {
  id: string;
  name: string;
  arguments: string;
}

/**
 * An answer in Weft's blocks: its text, then its calls. Arguments that are not
 * JSON stay the raw text, so the loop's schema check reports them (ARGS_INVALID).
 */
export function fromOpenAiAnswer(text: string | null | undefined, calls: OpenAiToolCall[]): ContentBlock[] {
  return [
    ...(text ? [{ type: 'text' as const, text }] : []),
    ...calls.map((c): ContentBlock => ({ type: 'tool_call', callId: c.id, tool: c.name, args: parsedArguments(c.arguments) })),
  ];
}

function parsedArguments(text: string): unknown {
  try {
    return JSON.parse(text === '' ? '{}' : text);
  } catch {
    return text;
  }
}

/** The calls of a whole (not streamed) answer; custom tools are not offered, so only function calls come back. */
export function openAiToolCalls(message: OpenAI.Chat.Completions.ChatCompletionMessage): OpenAiToolCall[] {
  return (message.tool_calls ?? []).flatMap((c) => (c.type === 'function' ? [{ id: c.id, name: c.function.name, arguments: c.function.arguments }] : []));
}

/** Cached prompt tokens are counted apart from the rest of the input, as they are priced apart. */
export function openAiUsage(usage: Usage | null | undefined): TokenUsage {
  const cached = usage?.prompt_tokens_details?.cached_tokens ?? 0;
  return {
    inputTokens: (usage?.prompt_tokens ?? 0) - cached,
    outputTokens: usage?.completion_tokens ?? 0,
    ...(cached > 0 ? { cacheReadTokens: cached } : {}),
  };
}

/** A streamed answer put together: text handed on as it comes, calls assembled from their deltas by index. */
export async function assembleStream(
  chunks: AsyncIterable<OpenAI.Chat.Completions.ChatCompletionChunk>,
  onText: (delta: string) => void,
): Promise<{ text: string; calls: OpenAiToolCall[]; usage: Usage | undefined; model: string | undefined }> {
  let text = '';
  const calls: OpenAiToolCall[] = [];
  let usage: Usage | undefined;
  let model: string | undefined;
  for await (const chunk of chunks) {
    model ??= chunk.model;
    if (chunk.usage) usage = chunk.usage;
    const delta = chunk.choices[0]?.delta;
    if (delta?.content) {
      text += delta.content;
      onText(delta.content);
    }
    for (const part of delta?.tool_calls ?? []) {
      const call = (calls[part.index] ??= { id: '', name: '', arguments: '' });
      if (part.id) call.id = part.id;
      if (part.function?.name) call.name += part.function.name;
      if (part.function?.arguments) call.arguments += part.function.arguments;
    }
  }
  // A sparse index (a server skipping one) leaves a hole: no call was made there.
  return { text, calls: calls.filter(Boolean), usage, model };
}
