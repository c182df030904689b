import OpenAI from 'openai';
import { FailureType } from '../../dag/failure-types.js';
import { activityFailure } from '../failures.js';
import type { SecretStore } from '../secrets.js';
import { buildMessages, type AgentProvider } from './provider.js';
import { providerFailure } from './provider-errors.js';

/**
 * OpenAI's Chat Completions through the official SDK; with WEFT_OPENAI_BASE_URL
 * any OpenAI-compatible server (vLLM, Ollama, LM Studio) works. Against OpenAI
 * itself the token limit goes as `max_completion_tokens` (its reasoning models
 * refuse `max_tokens`); compatible servers get the widely supported `max_tokens`.
 */
export function createOpenAiProvider(deps: { baseUrl?: string | undefined; secrets: SecretStore }): AgentProvider {
  return {
    name: 'openai',
    async call(call, ctx) {
      const apiKey = call.apiKey ?? deps.secrets.get('OPENAI_API_KEY');
      if (!apiKey && !deps.baseUrl) {
        throw activityFailure({ type: FailureType.ProviderAuth, message: 'openai: no key (set WEFT_SECRET_OPENAI_API_KEY on the worker, or agent.apiKey)', nonRetryable: true });
      }
      if (!call.model) throw activityFailure({ type: FailureType.ConfigInvalid, message: 'openai: agent.model is required', nonRetryable: true });
      // Local compatible servers often need no key, but the SDK insists on one.
      const client = new OpenAI({ apiKey: apiKey ?? 'no-key', ...(deps.baseUrl ? { baseURL: deps.baseUrl } : {}), maxRetries: 0, timeout: 24 * 3_600_000 });
      const { system, user } = buildMessages(call);
      const limit = call.config.maxTokens === undefined ? {} : deps.baseUrl ? { max_tokens: call.config.maxTokens } : { max_completion_tokens: call.config.maxTokens };
      let response: OpenAI.Chat.Completions.ChatCompletion;
      try {
        response = await client.chat.completions.create(
          {
            model: call.model,
            messages: [...(system ? [{ role: 'system' as const, content: system }] : []), { role: 'user' as const, content: user }],
            ...limit,
            ...(call.config.temperature === undefined ? {} : { temperature: call.config.temperature }),
            ...(call.config.output === 'json' ? { response_format: { type: 'json_object' as const } } : {}),
          },
          { signal: ctx.signal },
        );
      } catch (err) {
        if (ctx.signal.aborted) throw err;
        throw providerFailure(err, 'openai');
      }
      const cached = response.usage?.prompt_tokens_details?.cached_tokens ?? 0;
      return {
        text: response.choices[0]?.message?.content ?? '',
        usage: {
          inputTokens: (response.usage?.prompt_tokens ?? 0) - cached,
          outputTokens: response.usage?.completion_tokens ?? 0,
          ...(cached > 0 ? { cacheReadTokens: cached } : {}),
        },
        model: response.model ?? call.model,
      };
    },
  };
}
