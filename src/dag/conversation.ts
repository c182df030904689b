/**
 * An agent loop's conversation in Weft's own terms, the one shape the loop,
 * the providers (which translate it to each vendor's format and back), the
 * conversation store and the API share. Pure types and helpers: the workflow
 * may import it.
 */

/** A piece of a message. */
export type ContentBlock =
  | { type: 'text'; text: string }
  /**
   * The model's reasoning. Anthropic's blocks go back to it unchanged, `signature`
   * included; `redacted` holds a redacted block's opaque data instead of text.
   */
  | { type: 'thinking'; thinking: string; signature?: string; redacted?: string }
  /** A call the model asks for; `callId` is the vendor's id (offline: `call_<turn>_<n>`). */
  | { type: 'tool_call'; callId: string; tool: string; args: unknown }
  /** A call's result as the model reads it: JSON text (an MCP tool's text as it is), cut at 64 KB. */
  | { type: 'tool_result'; callId: string; content: string; isError: boolean };

/** One message: the prompt and tool results are the user's, the model's answers the assistant's. */
export interface ConversationMessage {
  role: 'user' | 'assistant';
  content: ContentBlock[];
}

/** A tool as the model is told of it. */
export interface ToolDefinition {
  /** As the model sees it: a `tools` key, or `<server>__<tool>` for MCP. */
  name: string;
  description: string;
  /** JSON Schema (type object) of the arguments. */
  parameters: Record<string, unknown>;
}

/** Token counts of one model call, or summed over many. */
export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens?: number;
}

/** Tool results reach the model cut at this many bytes (weft-agents 3.1.6). */
export const TOOL_RESULT_MODEL_BYTES = 64 * 1024;

/** The calls an assistant message asks for, in order. */
export function toolCallsOf(message: ConversationMessage): Extract<ContentBlock, { type: 'tool_call' }>[] {
  return message.content.filter((b): b is Extract<ContentBlock, { type: 'tool_call' }> => b.type === 'tool_call');
}

/** The text an assistant message says (its text blocks joined). */
export function textOf(message: ConversationMessage): string {
  return message.content.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join('');
}

/**
 * A tool result as the model reads it: text as it is, anything else as JSON;
 * cut at `TOOL_RESULT_MODEL_BYTES` with a marker saying so.
 */
export function toolResultText(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? 'null');
  const bytes = new TextEncoder().encode(text);
  if (bytes.length <= TOOL_RESULT_MODEL_BYTES) return text;
  const cut = new TextDecoder().decode(bytes.subarray(0, TOOL_RESULT_MODEL_BYTES)).replace(/\uFFFD$/, '');
  return `${cut}\n[weft: result cut at ${TOOL_RESULT_MODEL_BYTES} of ${bytes.length} bytes]`;
}
