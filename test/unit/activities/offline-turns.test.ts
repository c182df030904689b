import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { createOfflineProvider } from '../../../src/activities/agents/offline-provider.js';
import type { ProviderContext, TurnCall } from '../../../src/activities/agents/provider.js';
import type { ConversationMessage } from '../../../src/dag/conversation.js';

/** The offline provider's turns: `mock.script` played one entry per turn (weft-agents 1). */
const offline = createOfflineProvider();
const prompt: ConversationMessage = { role: 'user', content: [{ type: 'text', text: 'Triage the crash' }] };

function ctx(attempt = 1): ProviderContext & { slept: number[] } {
  const slept: number[] = [];
  return { attempt, signal: new AbortController().signal, slept, sleep: async (ms) => void slept.push(ms) };
}

function turnCall(turn: number, mock: Record<string, unknown> | undefined, extra: Partial<TurnCall> = {}): TurnCall {
  return {
    config: { provider: 'offline', prompt: 'Triage the crash', ...(mock ? { mock } : {}) },
    model: 'mock-1',
    system: 'You triage.',
    messages: [prompt],
    tools: [],
    turn,
    ...extra,
  };
}

const SCRIPT = [
  { thinking: 'Search first.', toolCalls: [{ tool: 'search_issues', args: { q: 'crash' } }, { tool: 'docs__search_docs', args: { q: 'crash' } }] },
  { toolCalls: [{ tool: 'open_ticket', args: { title: 'Crash on save' } }], usage: { inputTokens: 7, outputTokens: 3 }, costUsd: 0.25 },
  { json: { severity: 'high' } },
];

describe('offline turn', () => {
  it('plays the script one entry per turn, numbering calls call_<turn>_<n>', async () => {
    const mock = { script: SCRIPT };
    const [one, two, three] = await Promise.all([1, 2, 3].map((turn) => offline.turn(turnCall(turn, mock), ctx())));
    expect(one!.content).toEqual([
      { type: 'thinking', thinking: 'Search first.' },
      { type: 'tool_call', callId: 'call_1_1', tool: 'search_issues', args: { q: 'crash' } },
      { type: 'tool_call', callId: 'call_1_2', tool: 'docs__search_docs', args: { q: 'crash' } },
    ]);
    expect(two!.content).toEqual([{ type: 'tool_call', callId: 'call_2_1', tool: 'open_ticket', args: { title: 'Crash on save' } }]);
    expect(three!.content).toEqual([{ type: 'text', text: '{"severity":"high"}' }]);
    expect(three!.model).toBe('mock-1');
  });

  it('repeats the last entry past the end of the script', async () => {
    const mock = { script: [{ toolCalls: [{ tool: 'poll' }] }, { text: 'still working' }] };
    const late = await offline.turn(turnCall(9, mock), ctx());
    expect(late.content).toEqual([{ type: 'text', text: 'still working' }]);
    const looping = await offline.turn(turnCall(4, { script: [{ toolCalls: [{ tool: 'poll' }] }] }), ctx());
    expect(looping.content).toEqual([{ type: 'tool_call', callId: 'call_4_1', tool: 'poll', args: {} }]);
  });

  it("takes usage and cost from the entry, else from the mock, else estimates them at $1 per million tokens", async () => {
    const own = await offline.turn(turnCall(2, { script: SCRIPT, usage: { inputTokens: 100, outputTokens: 20 } }), ctx());
    expect(own).toMatchObject({ usage: { inputTokens: 7, outputTokens: 3 }, costUsd: 0.25 });
    const mocks = await offline.turn(turnCall(3, { script: SCRIPT, usage: { inputTokens: 100, outputTokens: 20 } }), ctx());
    expect(mocks).toMatchObject({ usage: { inputTokens: 100, outputTokens: 20 }, costUsd: 120 / 1_000_000 });
    // In: 'You triage.' (11) + 'Triage the crash' (16) + a 4-char result = 31 chars, 8 tokens; out: '{"severity":"high"}' (19), 5 tokens.
    const history: ConversationMessage[] = [prompt, { role: 'assistant', content: [] }, { role: 'user', content: [{ type: 'tool_result', callId: 'c', content: '[42]', isError: false }] }];
    const estimated = await offline.turn(turnCall(3, { script: SCRIPT }, { messages: history }), ctx());
    expect(estimated).toMatchObject({ usage: { inputTokens: 8, outputTokens: 5 }, costUsd: 13 / 1_000_000 });
  });

  it('without a script answers as a v1 call does: text, JSON as text, or the prompt', async () => {
    expect((await offline.turn(turnCall(1, { text: 'plain' }), ctx())).content).toEqual([{ type: 'text', text: 'plain' }]);
    expect((await offline.turn(turnCall(5, { json: { ok: true } }), ctx())).content).toEqual([{ type: 'text', text: '{"ok":true}' }]);
    expect((await offline.turn(turnCall(1, undefined), ctx())).content).toEqual([{ type: 'text', text: 'Triage the crash' }]);
  });

  it('hands the text to onText in a few pieces', async () => {
    const deltas: string[] = [];
    const result = await offline.turn(turnCall(1, { script: [{ text: 'The crash is in save().' }] }, { onText: (d) => deltas.push(d) }), ctx());
    expect(deltas.length).toBe(3);
    expect(deltas.join('')).toBe('The crash is in save().');
    expect(result.content).toEqual([{ type: 'text', text: 'The crash is in save().' }]);
  });

  it("applies the mock's delay (an entry's own first) and failures to each turn's attempts", async () => {
    const waits = ctx();
    await offline.turn(turnCall(1, { delay: '2s', script: [{ text: 'a', delay: '50ms' }, { text: 'b' }] }), waits);
    await offline.turn(turnCall(2, { delay: '2s', script: [{ text: 'a', delay: '50ms' }, { text: 'b' }] }), waits);
    expect(waits.slept).toEqual([50, 2_000]);

    const mock = { failTimes: 2, error: { type: 'FLAKY', message: 'not yet' }, script: SCRIPT };
    for (const attempt of [1, 2]) {
      const err = await offline.turn(turnCall(3, mock), ctx(attempt)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApplicationFailure);
      expect(err).toMatchObject({ type: 'FLAKY', message: 'not yet', nonRetryable: false });
    }
    expect((await offline.turn(turnCall(3, mock), ctx(3))).content).toEqual([{ type: 'text', text: '{"severity":"high"}' }]);
  });

  it('refuses a malformed script as CONFIG_INVALID', async () => {
    const err = await offline.turn(turnCall(1, { script: [{ toolCalls: [{ args: {} }] }] }), ctx()).catch((e: unknown) => e);
    expect(err).toMatchObject({ type: 'CONFIG_INVALID', nonRetryable: true });
    expect((err as Error).message).toMatch(/script\.0\.toolCalls\.0\.tool/);
  });
});
