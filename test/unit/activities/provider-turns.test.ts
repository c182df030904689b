import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnthropicProvider } from '../../../src/activities/agents/anthropic-provider.js';
import { createOpenAiProvider } from '../../../src/activities/agents/openai-provider.js';
import type { AgentProvider, ProviderContext, TurnCall, TurnResult } from '../../../src/activities/agents/provider.js';
import type { ResolvedAgentConfig } from '../../../src/activities/contract.js';
import { SecretStore } from '../../../src/activities/secrets.js';
import type { ContentBlock, ConversationMessage, ToolDefinition } from '../../../src/dag/conversation.js';
import { FakeLlmServer, type FakeReply } from '../../support/fake-llm.js';

/**
 * One turn of an agent loop through each vendor's real SDK, against the local
 * server that speaks both protocols and refuses malformed conversations as the
 * vendors do: tool calls and results, streaming, thinking, typed failures.
 */
const fake = new FakeLlmServer();
const secrets = SecretStore.fromEnv({ WEFT_SECRET_ANTHROPIC_API_KEY: 'sk-ant-fake', WEFT_SECRET_OPENAI_API_KEY: 'sk-openai-fake' });
let providers: Record<'anthropic' | 'openai', AgentProvider>;

beforeAll(async () => {
  await fake.start();
  providers = {
    anthropic: createAnthropicProvider({ baseUrl: fake.anthropicUrl, secrets }),
    openai: createOpenAiProvider({ baseUrl: fake.openaiUrl, secrets }),
  };
});
afterAll(() => fake.stop());

const MODELS = { anthropic: 'claude-sonnet-4-6', openai: 'gpt-4o-mini' } as const;
const TOOLS: ToolDefinition[] = [
  { name: 'search_issues', description: 'Search the tracker', parameters: { type: 'object', required: ['q'], properties: { q: { type: 'string' } } } },
  { name: 'docs__read_page', description: 'Read a page', parameters: { type: 'object', properties: { id: { type: 'integer' } } } },
];
/** A fresh context per call, as each activity attempt has its own signal. */
const ctx = (): ProviderContext => ({ attempt: 1, signal: new AbortController().signal, sleep: () => Promise.resolve() });
let seq = 0;
const marker = (name: string) => `[${name}-${++seq}]`;

type Vendor = keyof typeof MODELS;

function turnCall(vendor: Vendor, messages: ConversationMessage[], extra: Partial<TurnCall> = {}, config: Partial<ResolvedAgentConfig> = {}): TurnCall {
  return { config: { provider: vendor, model: MODELS[vendor], prompt: 'unused by turns', ...config }, model: MODELS[vendor], system: 'You triage.', messages, tools: TOOLS, turn: 1, ...extra };
}

const user = (text: string): ConversationMessage => ({ role: 'user', content: [{ type: 'text', text }] });
const results = (...blocks: [string, string, boolean?][]): ConversationMessage => ({
  role: 'user',
  content: blocks.map(([callId, content, isError]) => ({ type: 'tool_result', callId, content, isError: isError ?? false })),
});
const callsOf = (content: ContentBlock[]) => content.filter((b) => b.type === 'tool_call');

async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApplicationFailure);
  return err as ApplicationFailure;
}

describe.each(['anthropic', 'openai'] as const)('%s turn', (vendor) => {
  const provider = () => providers[vendor];

  it('asks for two calls at once, then answers with both results', async () => {
    const m = marker('tools');
    fake.script(m, [
      { toolCalls: [{ name: 'search_issues', args: { q: 'crash' } }, { name: 'docs__read_page', args: { id: 7 } }], usage: { input: 120, output: 30 } },
      { text: 'Severity: high.', usage: { input: 200, output: 8 } },
    ]);
    const prompt = user(`Triage the crash ${m}`);
    const first = await provider().turn(turnCall(vendor, [prompt], {}, { toolChoice: 'required' }), ctx());
    const calls = callsOf(first.content);
    expect(calls.map((c) => [c.tool, c.args])).toEqual([
      ['search_issues', { q: 'crash' }],
      ['docs__read_page', { id: 7 }],
    ]);
    expect(new Set(calls.map((c) => c.callId)).size).toBe(2);
    expect(first).toMatchObject({ usage: { inputTokens: 120, outputTokens: 30 }, model: MODELS[vendor] });

    const [id1, id2] = calls.map((c) => c.callId) as [string, string];
    const second = await provider().turn(
      turnCall(vendor, [prompt, { role: 'assistant', content: first.content }, results([id1, '{"hits":3}'], [id2, 'page gone', true])], { turn: 2 }),
      ctx(),
    );
    expect(second.content).toEqual([{ type: 'text', text: 'Severity: high.' }]);
    expect(second.usage).toEqual({ inputTokens: 200, outputTokens: 8 });

    const [req1, req2] = fake.requestsFor(m);
    expect(req2!.refused).toBeUndefined();
    if (vendor === 'anthropic') {
      expect(req1!.body.tools[0]).toEqual({ name: 'search_issues', description: 'Search the tracker', input_schema: TOOLS[0]!.parameters });
      expect(req1!.body.tool_choice).toEqual({ type: 'any' });
      expect(req2!.body.messages[2].content).toEqual([
        { type: 'tool_result', tool_use_id: id1, content: '{"hits":3}', is_error: false },
        { type: 'tool_result', tool_use_id: id2, content: 'page gone', is_error: true },
      ]);
    } else {
      expect(req1!.body.tools[0]).toEqual({ type: 'function', function: { name: 'search_issues', description: 'Search the tracker', parameters: TOOLS[0]!.parameters } });
      expect(req1!.body.tool_choice).toBe('required');
      expect(req2!.body.messages.slice(3)).toEqual([
        { role: 'tool', tool_call_id: id1, content: '{"hits":3}' },
        { role: 'tool', tool_call_id: id2, content: 'Error: page gone' },
      ]);
      expect(req2!.body.messages[2].tool_calls[1].function).toEqual({ name: 'docs__read_page', arguments: '{"id":7}' });
    }
  });

  it('maps toolChoice auto and none, and sends no tools when the turn has none', async () => {
    const m = marker('choice');
    fake.script(m, [{ text: 'ok' }]);
    await provider().turn(turnCall(vendor, [user(`a ${m}`)]), ctx());
    await provider().turn(turnCall(vendor, [user(`b ${m}`)], {}, { toolChoice: 'none' }), ctx());
    await provider().turn(turnCall(vendor, [user(`c ${m}`)], { tools: [] }), ctx());
    const [auto, none, bare] = fake.requestsFor(m).map((r) => r.body);
    expect([auto.tool_choice, none.tool_choice]).toEqual(vendor === 'anthropic' ? [{ type: 'auto' }, { type: 'none' }] : ['auto', 'none']);
    expect(bare).not.toHaveProperty('tools');
    expect(bare).not.toHaveProperty('tool_choice');
  });

  it('streams text deltas in order and ends with the same content as without streaming', async () => {
    const m = marker('stream');
    const reply: FakeReply = {
      ...(vendor === 'anthropic' ? { thinking: 'The user wants a search first.' } : {}),
      text: 'Let me look that up for you.',
      toolCalls: [{ id: 'call_fixed_1', name: 'search_issues', args: { q: 'crash on save' } }],
      usage: { input: 50, output: 25 },
    };
    fake.script(m, [reply]);
    const whole = await provider().turn(turnCall(vendor, [user(`Stream ${m}`)]), ctx());
    const deltas: string[] = [];
    const streamed = await provider().turn(turnCall(vendor, [user(`Stream ${m}`)], { onText: (d) => deltas.push(d) }), ctx());
    expect(deltas).toEqual(['Let ', 'me ', 'look ', 'that ', 'up ', 'for ', 'you.']);
    expect(streamed).toEqual(whole);
    expect(whole.content.map((b) => b.type)).toEqual([...(vendor === 'anthropic' ? ['thinking'] : []), 'text', 'tool_call']);
    const [plain, stream] = fake.requestsFor(m).map((r) => r.body);
    expect(plain.stream).toBeFalsy();
    expect(stream.stream).toBe(true);
    if (vendor === 'openai') expect(stream.stream_options).toEqual({ include_usage: true });
  });

  it('hands each delta of a paced stream on as it comes, before the server sends the next', async () => {
    const m = marker('paced');
    fake.script(m, [{ text: 'one two three four', paceMs: 5 }]);
    const order: string[] = [];
    fake.onSent = (e) => {
      const text = vendor === 'anthropic' ? (e.data as any).delta?.text : (e.data as any).choices?.[0]?.delta?.content;
      if (text) order.push(`sent ${text}`);
    };
    try {
      await provider().turn(turnCall(vendor, [user(`Pace ${m}`)], { onText: (d) => order.push(`read ${d}`) }), ctx());
    } finally {
      fake.onSent = undefined;
    }
    expect(order).toEqual(['one ', 'two ', 'three ', 'four'].flatMap((d) => [`sent ${d}`, `read ${d}`]));
  });

  it('refuses an unanswered tool call with a 400: a non-retryable PROVIDER_REJECTED', async () => {
    const m = marker('unanswered');
    const asked: ConversationMessage = { role: 'assistant', content: [{ type: 'tool_call', callId: 'call_a', tool: 'search_issues', args: { q: 'x' } }] };
    const failure = await failureOf(provider().turn(turnCall(vendor, [user(`Go ${m}`), asked, user('never mind')]), ctx()));
    expect(failure).toMatchObject({ type: 'PROVIDER_REJECTED', nonRetryable: true });
    expect(failure.message).toMatch(vendor === 'anthropic' ? /tool_use` ids were found without `tool_result`.*call_a/ : /did not have response messages: call_a/);

    const stranger = await failureOf(provider().turn(turnCall(vendor, [user(`Go ${m}`), asked, results(['call_a', '1'], ['call_zzz', '2'])]), ctx()));
    expect(stranger).toMatchObject({ type: 'PROVIDER_REJECTED', nonRetryable: true });
    expect(stranger.message).toContain('call_zzz');
    expect(fake.requestsFor(m).map((r) => r.refused !== undefined)).toEqual([true, true]);
  });

  it.each([false, true])('turns a 429 into RATE_LIMITED with the retry-after as the next delay (streaming: %s)', async (streaming) => {
    const m = marker('429');
    fake.script(m, [{ status: 429, headers: { 'retry-after': '3' } }]);
    const failure = await failureOf(provider().turn(turnCall(vendor, [user(`Busy ${m}`)], streaming ? { onText: () => {} } : {}), ctx()));
    expect(failure).toMatchObject({ type: 'RATE_LIMITED', nonRetryable: false, nextRetryDelay: 3_000 });
  });
});

describe('anthropic thinking', () => {
  const anthropic = () => providers.anthropic;

  it('sends the thinking config, and passes thinking back signed and redacted thinking back as it came', async () => {
    const m = marker('think');
    fake.script(m, [{ thinking: 'I should search first.', redactedThinking: 'opaque-0xdeadbeef', toolCalls: [{ name: 'search_issues', args: { q: 'a' } }] }, { text: 'Done.' }]);
    const prompt = user(`Think ${m}`);
    const first = await anthropic().turn(turnCall('anthropic', [prompt], {}, { thinking: { budgetTokens: 2_048 } }), ctx());
    const [thinking, redacted, call] = first.content;
    expect(thinking).toMatchObject({ type: 'thinking', thinking: 'I should search first.', signature: expect.stringMatching(/^sig_/) });
    expect(redacted).toEqual({ type: 'thinking', thinking: '', redacted: 'opaque-0xdeadbeef' });
    const callId = (call as Extract<ContentBlock, { type: 'tool_call' }>).callId;

    const second = await anthropic().turn(
      turnCall('anthropic', [prompt, { role: 'assistant', content: first.content }, results([callId, '[]'])], { turn: 2 }, { thinking: { budgetTokens: 2_048 } }),
      ctx(),
    );
    expect(second.content).toEqual([{ type: 'text', text: 'Done.' }]);
    const [req1, req2] = fake.requestsFor(m);
    // The budget counts toward max_tokens, which must stay above it.
    expect(req1!.body).toMatchObject({ thinking: { type: 'enabled', budget_tokens: 2_048 }, max_tokens: 2_048 + 4_096 });
    expect(req2!.body.messages[1].content.slice(0, 2)).toEqual([
      { type: 'thinking', thinking: 'I should search first.', signature: (thinking as { signature: string }).signature },
      { type: 'redacted_thinking', data: 'opaque-0xdeadbeef' },
    ]);
  });

  it('sends adaptive as the SDK names it, and nothing for off', async () => {
    const m = marker('adaptive');
    fake.script(m, [{ text: 'ok' }]);
    await anthropic().turn(turnCall('anthropic', [user(`a ${m}`)], {}, { thinking: 'adaptive' }), ctx());
    await anthropic().turn(turnCall('anthropic', [user(`b ${m}`)], {}, { thinking: 'off' }), ctx());
    const [adaptive, off] = fake.requestsFor(m).map((r) => r.body);
    expect(adaptive.thinking).toEqual({ type: 'adaptive' });
    expect(adaptive.max_tokens).toBe(4_096);
    expect(off).not.toHaveProperty('thinking');
  });

  it('a thinking block altered on its way back is refused; an unsigned one (not Anthropic\'s) is not sent', async () => {
    const m = marker('tampered');
    fake.script(m, [{ text: 'ok' }]);
    const said = (block: ContentBlock): ConversationMessage[] => [user(`t ${m}`), { role: 'assistant', content: [block, { type: 'text', text: 'Hm.' }] }, user('go on')];
    const tampered = await failureOf(anthropic().turn(turnCall('anthropic', said({ type: 'thinking', thinking: 'edited', signature: 'sig_forged' })), ctx()));
    expect(tampered).toMatchObject({ type: 'PROVIDER_REJECTED', nonRetryable: true });
    expect(tampered.message).toMatch(/Invalid `signature`/);
    const unsigned = await anthropic().turn(turnCall('anthropic', said({ type: 'thinking', thinking: 'from the offline script' })), ctx());
    expect(unsigned.content).toEqual([{ type: 'text', text: 'ok' }]);
    expect(fake.requestsFor(m)[1]!.body.messages[1].content).toEqual([{ type: 'text', text: 'Hm.' }]);
  });

  it('puts tool results first in a user message that also says something, as the API requires', async () => {
    const m = marker('first');
    fake.script(m, [{ text: 'ok' }]);
    const asked: ConversationMessage = { role: 'assistant', content: [{ type: 'tool_call', callId: 'toolu_1', tool: 'search_issues', args: { q: 'x' } }] };
    const mixed: ConversationMessage = { role: 'user', content: [{ type: 'text', text: 'Also: be brief.' }, { type: 'tool_result', callId: 'toolu_1', content: '[]', isError: false }] };
    await anthropic().turn(turnCall('anthropic', [user(`f ${m}`), asked, mixed]), ctx());
    const [request] = fake.requestsFor(m);
    expect(request!.refused).toBeUndefined();
    expect(request!.body.messages[2].content.map((b: { type: string }) => b.type)).toEqual(['tool_result', 'text']);
  });

  it('refuses a conversation that does not start with the user or does not alternate', async () => {
    const m = marker('order');
    const starts = await failureOf(anthropic().turn(turnCall('anthropic', [{ role: 'assistant', content: [{ type: 'text', text: 'hi' }] }, user(`x ${m}`)]), ctx()));
    expect(starts.message).toMatch(/first message must use the .{0,2}user.{0,2} role/);
    const twice = await failureOf(anthropic().turn(turnCall('anthropic', [user(`x ${m}`), user('again')]), ctx()));
    expect(twice).toMatchObject({ type: 'PROVIDER_REJECTED', nonRetryable: true });
    expect(twice.message).toMatch(/alternate/);
  });
});

describe('openai specifics', () => {
  it('keeps arguments that are not JSON as their raw text, for the loop to report', async () => {
    const m = marker('raw');
    fake.script(m, [{ toolCalls: [{ name: 'search_issues', args: '{"q": crash' }] }]);
    for (const onText of [undefined, () => {}]) {
      const result: TurnResult = await providers.openai.turn(turnCall('openai', [user(`r ${m}`)], { onText }), ctx());
      expect(callsOf(result.content).map((c) => c.args)).toEqual(['{"q": crash']);
    }
  });

  it('sends no thinking, and leaves thinking blocks out of the conversation', async () => {
    const m = marker('nothink');
    fake.script(m, [{ text: 'ok' }]);
    const said: ConversationMessage = { role: 'assistant', content: [{ type: 'thinking', thinking: 'hmm', signature: 'sig' }, { type: 'text', text: 'Hello.' }] };
    await providers.openai.turn(turnCall('openai', [user(`n ${m}`), said, user('more')], {}, { thinking: 'adaptive' }), ctx());
    const [body] = fake.requestsFor(m).map((r) => r.body);
    expect(Object.keys(body).filter((k) => /think|reason/.test(k))).toEqual([]);
    expect(body.messages[2]).toEqual({ role: 'assistant', content: 'Hello.' });
  });
});
