import { z } from 'zod';
import type { ContentBlock, TokenUsage } from '../../dag/conversation.js';
import { parseDuration, DURATION_PATTERN } from '../../dag/duration.js';
import { FailureType } from '../../dag/failure-types.js';
import type { ResolvedAgentConfig } from '../contract.js';
import { activityFailure } from '../failures.js';
import type { AgentProvider, ProviderContext } from './provider.js';

// A lone template keeps its type, so `text: "{{ item }}"` may arrive as a number.
const resolvedText = z.union([z.string(), z.number(), z.boolean()]).transform(String);
const resolvedDelay = z.string().regex(DURATION_PATTERN, 'must be a duration');
const resolvedUsage = z.strictObject({ inputTokens: z.coerce.number().int().min(0), outputTokens: z.coerce.number().int().min(0) });
const resolvedCost = z.coerce.number().min(0);

/** One turn of the script (weft-agents 1) after templates are resolved. */
const resolvedEntrySchema = z.strictObject({
  text: resolvedText.optional(),
  json: z.unknown().optional(),
  thinking: resolvedText.optional(),
  toolCalls: z.array(z.strictObject({ tool: z.string().min(1), args: z.unknown().optional() })).optional(),
  usage: resolvedUsage.optional(),
  costUsd: resolvedCost.optional(),
  delay: resolvedDelay.optional(),
});

/** The offline mock after templates are resolved: every field has its final type. */
const resolvedMockSchema = z.strictObject({
  text: resolvedText.optional(),
  json: z.unknown().optional(),
  delay: resolvedDelay.optional(),
  failTimes: z.coerce.number().int().min(0).optional(),
  failAlways: z.boolean().optional(),
  error: z.strictObject({ type: z.string().optional(), message: z.string().optional(), nonRetryable: z.boolean().optional() }).optional(),
  usage: resolvedUsage.optional(),
  costUsd: resolvedCost.optional(),
  script: z.array(resolvedEntrySchema).min(1).optional(),
});

type ResolvedMock = z.infer<typeof resolvedMockSchema>;
type ResolvedEntry = z.infer<typeof resolvedEntrySchema>;

/** $1 per million tokens each way (contract 1.3). */
const OFFLINE_TOKENS_PER_USD = 1_000_000;

/** Pieces a streamed offline answer's text comes in. */
const STREAM_PIECES = 3;

const tokensOf = (chars: number): number => Math.ceil(chars / 4);

/**
 * The offline provider (`provider: offline`), for tests and demos: it does what
 * `agent.mock` says — answer, wait, fail a number of times or always — with no
 * network. Without `text` or `json` it echoes the prompt. In an agent loop it
 * plays `mock.script`, one entry per turn, the last repeating past its end.
 */
export function createOfflineProvider(): AgentProvider {
  return {
    name: 'offline',
    async call(call, ctx) {
      const { config } = call;
      const mock = mockOf(config);
      await enact(mock, mock.delay, ctx);
      const text = answerText(mock, config);
      const { usage, costUsd } = priced(mock, (config.system ?? '').length + config.prompt.length, text.length);
      return { text, ...(mock.json === undefined ? {} : { json: mock.json }), usage, costUsd, model: call.model ?? null };
    },

    async turn(call, ctx) {
      const { config } = call;
      const mock = mockOf(config);
      const entry = mock.script?.[Math.min(call.turn, mock.script.length) - 1];
      await enact(mock, entry?.delay ?? mock.delay, ctx);
      const content: ContentBlock[] = entry ? entryBlocks(entry, call.turn) : [{ type: 'text', text: answerText(mock, config) }];
      if (call.onText) {
        for (const block of content) if (block.type === 'text') for (const piece of inPieces(block.text)) call.onText(piece);
      }
      const inputChars = (call.system ?? '').length + call.messages.reduce((sum, m) => sum + charsOf(m.content), 0);
      const { usage, costUsd } = priced({ usage: entry?.usage ?? mock.usage, costUsd: entry?.costUsd ?? mock.costUsd }, inputChars, charsOf(content));
      return { content, usage, costUsd, model: call.model ?? null };
    },
  };
}

function mockOf(config: ResolvedAgentConfig): ResolvedMock {
  const parsed = resolvedMockSchema.safeParse(config.mock ?? {});
  if (parsed.success) return parsed.data;
  const detail = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
  throw activityFailure({ type: FailureType.ConfigInvalid, message: `agent.mock: ${detail}`, nonRetryable: true });
}

/** Waits, then fails when the mock says this attempt fails. */
async function enact(mock: ResolvedMock, delay: string | undefined, ctx: ProviderContext): Promise<void> {
  if (delay) await ctx.sleep(parseDuration(delay));
  if (mock.failAlways || ctx.attempt <= (mock.failTimes ?? 0)) {
    throw activityFailure({
      type: mock.error?.type ?? FailureType.MockFailure,
      message: mock.error?.message ?? `offline mock failure on attempt ${ctx.attempt}`,
      nonRetryable: mock.error?.nonRetryable ?? false,
    });
  }
}

function answerText(answer: { text?: string | undefined; json?: unknown }, config: ResolvedAgentConfig): string {
  return answer.text ?? (answer.json !== undefined ? JSON.stringify(answer.json) : config.prompt);
}

/** The usage and cost given, else estimated from the characters in and out. */
function priced(given: { usage?: TokenUsage | undefined; costUsd?: number | undefined }, inputChars: number, outputChars: number): { usage: TokenUsage; costUsd: number } {
  const usage = given.usage ?? { inputTokens: tokensOf(inputChars), outputTokens: tokensOf(outputChars) };
  return { usage, costUsd: given.costUsd ?? (usage.inputTokens + usage.outputTokens) / OFFLINE_TOKENS_PER_USD };
}

/** A script entry's answer: thinking, then text (or JSON as text), then the calls, numbered `call_<turn>_<n>`. */
function entryBlocks(entry: ResolvedEntry, turn: number): ContentBlock[] {
  const text = entry.text ?? (entry.json !== undefined ? JSON.stringify(entry.json) : undefined);
  return [
    ...(entry.thinking === undefined ? [] : [{ type: 'thinking' as const, thinking: entry.thinking }]),
    ...(text === undefined ? [] : [{ type: 'text' as const, text }]),
    ...(entry.toolCalls ?? []).map((c, i): ContentBlock => ({ type: 'tool_call', callId: `call_${turn}_${i + 1}`, tool: c.tool, args: c.args ?? {} })),
  ];
}

function charsOf(blocks: ContentBlock[]): number {
  return blocks.reduce((sum, b) => {
    switch (b.type) {
      case 'text':
        return sum + b.text.length;
      case 'thinking':
        return sum + b.thinking.length;
      case 'tool_call':
        return sum + b.tool.length + (JSON.stringify(b.args) ?? '').length;
      case 'tool_result':
        return sum + b.content.length;
    }
  }, 0);
}

/** Text cut in a few pieces (whole code points), so streaming is exercised offline. */
function inPieces(text: string): string[] {
  const chars = Array.from(text);
  const size = Math.max(1, Math.ceil(chars.length / STREAM_PIECES));
  const pieces: string[] = [];
  for (let i = 0; i < chars.length; i += size) pieces.push(chars.slice(i, i + size).join(''));
  return pieces;
}
