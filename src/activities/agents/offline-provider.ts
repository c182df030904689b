import { z } from 'zod';
import { parseDuration, DURATION_PATTERN } from '../../dag/duration.js';
import { FailureType } from '../../dag/failure-types.js';
import { activityFailure } from '../failures.js';
import type { AgentProvider } from './provider.js';

/** The offline mock after templates are resolved: every field has its final type. */
const resolvedMockSchema = z.strictObject({
  // A lone template keeps its type, so `text: "{{ item }}"` may arrive as a number.
  text: z.union([z.string(), z.number(), z.boolean()]).transform(String).optional(),
  json: z.unknown().optional(),
  delay: z.string().regex(DURATION_PATTERN, 'must be a duration').optional(),
  failTimes: z.coerce.number().int().min(0).optional(),
  failAlways: z.boolean().optional(),
  error: z.strictObject({ type: z.string().optional(), message: z.string().optional(), nonRetryable: z.boolean().optional() }).optional(),
  usage: z.strictObject({ inputTokens: z.coerce.number().int().min(0), outputTokens: z.coerce.number().int().min(0) }).optional(),
  costUsd: z.coerce.number().min(0).optional(),
});

/** $1 per million tokens each way (contract 1.3). */
const OFFLINE_TOKENS_PER_USD = 1_000_000;

const tokensOf = (chars: number): number => Math.ceil(chars / 4);

/**
 * The offline provider (`provider: offline`), for tests and demos: it does what
 * `agent.mock` says — answer, wait, fail a number of times or always — with no
 * network. Without `text` or `json` it echoes the prompt.
 */
export function createOfflineProvider(): AgentProvider {
  return {
    name: 'offline',
    async call(call, ctx) {
      const { config } = call;
      const parsed = resolvedMockSchema.safeParse(config.mock ?? {});
      if (!parsed.success) {
        const detail = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
        throw activityFailure({ type: FailureType.ConfigInvalid, message: `agent.mock: ${detail}`, nonRetryable: true });
      }
      const mock = parsed.data;
      if (mock.delay) await ctx.sleep(parseDuration(mock.delay));
      if (mock.failAlways || ctx.attempt <= (mock.failTimes ?? 0)) {
        throw activityFailure({
          type: mock.error?.type ?? FailureType.MockFailure,
          message: mock.error?.message ?? `offline mock failure on attempt ${ctx.attempt}`,
          nonRetryable: mock.error?.nonRetryable ?? false,
        });
      }
      const text = mock.text ?? (mock.json !== undefined ? JSON.stringify(mock.json) : config.prompt);
      const usage = mock.usage ?? { inputTokens: tokensOf((config.system ?? '').length + config.prompt.length), outputTokens: tokensOf(text.length) };
      const costUsd = mock.costUsd ?? (usage.inputTokens + usage.outputTokens) / OFFLINE_TOKENS_PER_USD;
      return { text, ...(mock.json === undefined ? {} : { json: mock.json }), usage, costUsd, model: call.model ?? null };
    },
  };
}
