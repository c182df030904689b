import { signatureOf } from './fake-llm-rules.js';

/** One scripted answer: a success (thinking, text, tool calls, usage) or an error status. */
export interface FakeReply {
  status?: number;
  headers?: Record<string, string>;
  text?: string;
  /**
   * Calls the model makes, in order; ids are the server's unless given. A string
   * `args` goes out as the raw arguments text (OpenAI), to script unparseable JSON.
   */
  toolCalls?: { name: string; args: unknown; id?: string }[];
  /** Anthropic: a thinking block before the answer, signed by the server. */
  thinking?: string;
  /** Anthropic: a redacted thinking block with this opaque data. */
  redactedThinking?: string;
  usage?: { input: number; output: number; cacheRead?: number };
  model?: string;
  /**
   * Streamed form: write each event as it comes instead of the whole answer at
   * once, this many milliseconds apart (a model producing tokens at a pace).
   */
  paceMs?: number;
}

export type Vendor = 'anthropic' | 'openai';

/** One server-sent event; Anthropic's carry an event name, OpenAI's only data. */
export interface SseEvent {
  event?: string;
  data: unknown;
}

let ids = 0;

/** Text in word-sized pieces, as a model streams it. */
export function piecesOf(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}

/** An answer's parts with its calls' ids fixed, so the JSON and streamed forms say the same. */
function parts(vendor: Vendor, reply: FakeReply) {
  const calls = (reply.toolCalls ?? []).map((c) => ({ ...c, id: c.id ?? `${vendor === 'anthropic' ? 'toolu' : 'call'}_fake_${++ids}` }));
  const text = reply.text ?? (calls.length > 0 ? undefined : '');
  const usage = reply.usage ?? { input: 10, output: 5 };
  return { calls, text, usage };
}

function anthropicUsage(usage: NonNullable<FakeReply['usage']>) {
  return { input_tokens: usage.input, output_tokens: usage.output, ...(usage.cacheRead ? { cache_read_input_tokens: usage.cacheRead } : {}) };
}

function anthropicBlocks(reply: FakeReply, text: string | undefined, calls: { id: string; name: string; args: unknown }[]): Record<string, any>[] {
  return [
    ...(reply.thinking === undefined ? [] : [{ type: 'thinking', thinking: reply.thinking, signature: signatureOf(reply.thinking) }]),
    ...(reply.redactedThinking === undefined ? [] : [{ type: 'redacted_thinking', data: reply.redactedThinking }]),
    ...(text === undefined ? [] : [{ type: 'text', text }]),
    ...calls.map((c) => ({ type: 'tool_use', id: c.id, name: c.name, input: c.args })),
  ];
}

const argumentsText = (args: unknown): string => (typeof args === 'string' ? args : JSON.stringify(args));

/** A successful answer as one JSON body. */
export function successBody(vendor: Vendor, requestedModel: string, reply: FakeReply) {
  const { calls, text, usage } = parts(vendor, reply);
  const model = reply.model ?? requestedModel;
  if (vendor === 'anthropic') {
    return {
      id: 'msg_fake',
      type: 'message',
      role: 'assistant',
      model,
      content: anthropicBlocks(reply, text, calls),
      stop_reason: calls.length > 0 ? 'tool_use' : 'end_turn',
      stop_sequence: null,
      usage: anthropicUsage(usage),
    };
  }
  const toolCalls = calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: argumentsText(c.args) } }));
  return {
    id: 'chatcmpl-fake',
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: text ?? null, ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}) }, finish_reason: calls.length > 0 ? 'tool_calls' : 'stop' }],
    usage: openAiUsage(usage),
  };
}

function openAiUsage(usage: NonNullable<FakeReply['usage']>) {
  return {
    prompt_tokens: usage.input + (usage.cacheRead ?? 0),
    completion_tokens: usage.output,
    total_tokens: usage.input + (usage.cacheRead ?? 0) + usage.output,
    ...(usage.cacheRead ? { prompt_tokens_details: { cached_tokens: usage.cacheRead } } : {}),
  };
}

/** A successful answer as the vendor streams it: text in pieces, tool arguments in two halves. */
export function successEvents(vendor: Vendor, requestedModel: string, reply: FakeReply, includeUsage: boolean): SseEvent[] {
  const { calls, text, usage } = parts(vendor, reply);
  const model = reply.model ?? requestedModel;
  const halves = (s: string) => [s.slice(0, Math.ceil(s.length / 2)), s.slice(Math.ceil(s.length / 2))];
  if (vendor === 'anthropic') {
    const events: SseEvent[] = [];
    const emit = (type: string, data: object) => events.push({ event: type, data: { type, ...data } });
    emit('message_start', { message: { id: 'msg_fake', type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { ...anthropicUsage(usage), output_tokens: 1 } } });
    for (const [index, block] of anthropicBlocks(reply, text, calls).entries()) {
      if (block.type === 'thinking') {
        emit('content_block_start', { index, content_block: { type: 'thinking', thinking: '', signature: '' } });
        for (const piece of piecesOf(block.thinking!)) emit('content_block_delta', { index, delta: { type: 'thinking_delta', thinking: piece } });
        emit('content_block_delta', { index, delta: { type: 'signature_delta', signature: block.signature } });
      } else if (block.type === 'text') {
        emit('content_block_start', { index, content_block: { type: 'text', text: '' } });
        for (const piece of piecesOf(block.text!)) emit('content_block_delta', { index, delta: { type: 'text_delta', text: piece } });
      } else if (block.type === 'tool_use') {
        emit('content_block_start', { index, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} } });
        for (const piece of halves(JSON.stringify(block.input))) emit('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: piece } });
      } else {
        emit('content_block_start', { index, content_block: block });
      }
      emit('content_block_stop', { index });
    }
    emit('message_delta', { delta: { stop_reason: calls.length > 0 ? 'tool_use' : 'end_turn', stop_sequence: null }, usage: { output_tokens: usage.output } });
    emit('message_stop', {});
    return events;
  }
  const chunk = (delta: object, finish: string | null = null): SseEvent => ({
    data: { id: 'chatcmpl-fake', object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model, choices: [{ index: 0, delta, finish_reason: finish }] },
  });
  const events = [chunk({ role: 'assistant', content: '' })];
  for (const piece of piecesOf(text ?? '')) events.push(chunk({ content: piece }));
  for (const [index, c] of calls.entries()) {
    events.push(chunk({ tool_calls: [{ index, id: c.id, type: 'function', function: { name: c.name, arguments: '' } }] }));
    for (const piece of halves(argumentsText(c.args))) events.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
  }
  events.push(chunk({}, calls.length > 0 ? 'tool_calls' : 'stop'));
  if (includeUsage) {
    events.push({ data: { id: 'chatcmpl-fake', object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model, choices: [], usage: openAiUsage(usage) } });
  }
  events.push({ data: '[DONE]' });
  return events;
}

export function errorBody(vendor: Vendor, status: number, detail?: string) {
  const type = status === 429 ? 'rate_limit_error' : status === 529 ? 'overloaded_error' : status >= 500 ? 'api_error' : status === 401 ? 'authentication_error' : 'invalid_request_error';
  const message = detail ?? `fake ${type} (${status})`;
  return vendor === 'anthropic' ? { type: 'error', error: { type, message } } : { error: { message, type, code: null } };
}
