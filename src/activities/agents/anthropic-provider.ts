import Anthropic from '@anthropic-ai/sdk';
import { FailureType } from '../../dag/failure-types.js';
import { activityFailure } from '../failures.js';
import type { SecretStore } from '../secrets.js';
import { buildMessages, type AgentProvider } from './provider.js';
import { providerFailure } from './provider-errors.js';

const DEFAULT_MAX_TOKENS = 4_096;

/**
 * Anthropic's Messages API through the official SDK. The SDK's own retries are
 * off: the node's Temporal retry policy is the one place retries happen.
 */
export function createAnthropicProvider(deps: { baseUrl?: string | undefined; secrets: SecretStore }): AgentProvider {
  return {
    name: 'anthropic',
    async call(call, ctx) {
      const apiKey = call.apiKey ?? deps.secrets.get('ANTHROPIC_API_KEY');
      if (!apiKey) {
        throw activityFailure({ type: FailureType.ProviderAuth, message: 'anthropic: no key (set WEFT_SECRET_ANTHROPIC_API_KEY on the worker, or agent.apiKey)', nonRetryable: true });
      }
      if (!call.model) throw activityFailure({ type: FailureType.ConfigInvalid, message: 'anthropic: agent.model is required', nonRetryable: true });
      const client = new Anthropic({ apiKey, ...(deps.baseUrl ? { baseURL: deps.baseUrl } : {}), maxRetries: 0, timeout: 24 * 3_600_000 });
      const { system, user } = buildMessages(call);
      let response: Anthropic.Message;
      try {
        response = await client.messages.create(
          {
            model: call.model,
            max_tokens: call.config.maxTokens ?? DEFAULT_MAX_TOKENS,
            ...(system ? { system } : {}),
            ...(call.config.temperature === undefined ? {} : { temperature: call.config.temperature }),
            messages: [{ role: 'user', content: user }],
          },
          { signal: ctx.signal },
        );
      } catch (err) {
        if (ctx.signal.aborted) throw err;
        throw providerFailure(err, 'anthropic');
      }
      const text = response.content.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join('');
      return {
        text,
        usage: {
          inputTokens: response.usage.input_tokens,
          outputTokens: response.usage.output_tokens,
          ...(response.usage.cache_read_input_tokens ? { cacheReadTokens: response.usage.cache_read_input_tokens } : {}),
        },
        model: response.model ?? call.model,
      };
    },
  };
}
