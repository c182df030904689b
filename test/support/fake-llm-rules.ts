import { createHash } from 'node:crypto';

/**
 * The conversation rules the vendors enforce with a 400 invalid_request_error,
 * as the fake server checks them: each function returns what is wrong with a
 * request body, or undefined. The messages paraphrase the vendors' own.
 */

/** The signature the fake server gives a thinking block, and checks when the block comes back. */
export function signatureOf(thinking: string): string {
  return `sig_${createHash('sha256').update(thinking).digest('base64url').slice(0, 32)}`;
}

type Block = Record<string, any>;
type Message = { role: string; content: string | Block[] | null; tool_calls?: Block[]; tool_call_id?: string };

/** A message's content as blocks (a string is one text block). */
export function blocksOf(content: Message['content']): Block[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return content ?? [];
}

const ANTHROPIC_TOOL_NAME = /^[a-zA-Z0-9_-]{1,128}$/;
const OPENAI_TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

export function anthropicProblem(body: any): string | undefined {
  const messages = (body.messages ?? []) as Message[];
  if (messages.length === 0) return 'messages: at least one message is required';
  if (messages[0]!.role !== 'user') return 'messages: first message must use the "user" role';
  const tools = (body.tools ?? []) as Block[];
  for (const [i, tool] of tools.entries()) {
    if (typeof tool.name !== 'string' || !ANTHROPIC_TOOL_NAME.test(tool.name)) return `tools.${i}.name: String should match pattern '${ANTHROPIC_TOOL_NAME.source}'`;
    if (tool.input_schema?.type !== 'object') return `tools.${i}.input_schema.type: Input should be 'object'`;
  }
  if (body.tool_choice && tools.length === 0) return 'tool_choice may only be specified while providing tools';
  if (body.thinking?.type === 'enabled') {
    const budget = body.thinking.budget_tokens;
    if (!(budget >= 1_024)) return 'thinking.enabled.budget_tokens: Input should be greater than or equal to 1024';
    if (!(budget < body.max_tokens)) return '`max_tokens` must be greater than `thinking.budget_tokens`';
  } else if (body.thinking && !['adaptive', 'disabled'].includes(body.thinking.type)) return `thinking.type: unknown type ${String(body.thinking.type)}`;
  for (const [i, message] of messages.entries()) {
    if (message.role !== 'user' && message.role !== 'assistant') return `messages.${i}.role: Input should be 'user' or 'assistant'`;
    if (i > 0 && message.role === messages[i - 1]!.role) return 'messages: roles must alternate between "user" and "assistant"';
    const blocks = blocksOf(message.content);
    const problem = message.role === 'assistant' ? assistantProblem(blocks, i, messages[i + 1]) : userProblem(blocks, i, messages[i - 1]);
    if (problem) return problem;
  }
  return undefined;
}

function assistantProblem(blocks: Block[], i: number, next: Message | undefined): string | undefined {
  for (const [j, block] of blocks.entries()) {
    if (block.type === 'thinking') {
      if (typeof block.signature !== 'string') return `messages.${i}.content.${j}.thinking.signature: Field required`;
      if (block.signature !== signatureOf(block.thinking ?? '')) return `messages.${i}.content.${j}: Invalid \`signature\` in \`thinking\` block`;
    }
    if (block.type === 'redacted_thinking' && (typeof block.data !== 'string' || block.data === '')) return `messages.${i}.content.${j}.redacted_thinking.data: Field required`;
    if (block.type === 'tool_use' && (typeof block.input !== 'object' || block.input === null || Array.isArray(block.input))) {
      return `messages.${i}.content.${j}.tool_use.input: Input should be a valid dictionary`;
    }
  }
  const uses = blocks.filter((b) => b.type === 'tool_use').map((b) => b.id as string);
  if (uses.length === 0) return undefined;
  const answered = new Set(next?.role === 'user' ? blocksOf(next.content).filter((b) => b.type === 'tool_result').map((b) => b.tool_use_id as string) : []);
  const missing = uses.filter((id) => !answered.has(id));
  if (missing.length > 0) {
    return `messages.${i + 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`;
  }
  return undefined;
}

function userProblem(blocks: Block[], i: number, previous: Message | undefined): string | undefined {
  const uses = new Set(previous ? blocksOf(previous.content).filter((b) => b.type === 'tool_use').map((b) => b.id as string) : []);
  let sawOther = false;
  for (const block of blocks) {
    if (block.type !== 'tool_result') {
      sawOther = true;
      continue;
    }
    if (sawOther) return `messages.${i}: \`tool_result\` blocks must come first in the user message's content`;
    if (!uses.has(block.tool_use_id)) {
      return `messages.${i}.content: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${String(block.tool_use_id)}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`;
    }
  }
  return undefined;
}

export function openAiProblem(body: any): string | undefined {
  const messages = (body.messages ?? []) as Message[];
  if (messages.length === 0) return "Invalid 'messages': empty array. Expected an array with minimum length 1.";
  const tools = (body.tools ?? []) as Block[];
  for (const [i, tool] of tools.entries()) {
    if (tool.type !== 'function') return `Invalid value for 'tools[${i}].type'`;
    if (typeof tool.function?.name !== 'string' || !OPENAI_TOOL_NAME.test(tool.function.name)) return `Invalid 'tools[${i}].function.name': string does not match pattern.`;
  }
  if (body.tool_choice !== undefined && tools.length === 0) return "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.";
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i]!;
    if (message.role === 'tool') return `Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'. (messages[${i}])`;
    if (message.role !== 'assistant') continue;
    const calls = message.tool_calls ?? [];
    if (calls.length === 0) {
      if (message.content === null || message.content === undefined) return `Invalid value for 'messages[${i}].content': expected a string, got null.`;
      continue;
    }
    for (const [j, call] of calls.entries()) {
      if (call.type !== 'function' || typeof call.function?.arguments !== 'string') return `Invalid 'messages[${i}].tool_calls[${j}]': expected a function call with string arguments.`;
    }
    const ids = new Set(calls.map((c) => c.id as string));
    const answered = new Set<string>();
    while (messages[i + 1]?.role === 'tool') {
      const id = messages[++i]!.tool_call_id ?? '';
      if (!ids.has(id)) return `Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'. (unknown tool_call_id ${id})`;
      answered.add(id);
    }
    const missing = [...ids].filter((id) => !answered.has(id));
    if (missing.length > 0) {
      return `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${missing.join(', ')}`;
    }
  }
  return undefined;
}
