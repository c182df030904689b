import OpenAI from 'openai';
import { FailureType } from '../../dag/failure-types.js';
import { activityFailure } from '../failures.js';
import type { SecretStore } from '../secrets.js';
import { assembleStream, fromOpenAiAnswer, openAiToolCalls, openAiTools, openAiUsage, toOpenAiMessages } from './openai-messages.js';
import { buildMessages, type AgentProvider } from './provider.js';
import { sending } from './provider-errors.js';

/**
 * OpenAI's Chat Completions through the official SDK; with WEFT_OPENAI_BASE_URL
 * any OpenAI-compatible server (vLLM, Ollama, LM Studio) works. Against OpenAI
 * itself the token limit goes as `max_completion_tokens` (its reasoning models
 * refuse `max_tokens`); compatible servers get the widely supported `max_tokens`.
 */
export function createOpenAiProvider(deps: { baseUrl?: string | undefined; secrets: SecretStore }): AgentProvider {
  function clientFor(call: { apiKey?: string | undefined; model: string | undefined }): { client: OpenAI; model: string } {
    const apiKey = call.apiKey ?? deps.secrets.get('OPENAI_API_KEY');
    if (!apiKey && !deps.baseUrl) {
      throw activityFailure({ type: FailureType.ProviderAuth, message: 'openai: no key (set WEFT_SECRET_OPENAI_API_KEY on the worker, or agent.apiKey)', nonRetryable: true });
    }
    if (!call.model) throw activityFailure({ type: FailureType.ConfigInvalid, message: 'openai: agent.model is required', nonRetryable: true });
    // Local compatible servers often need no key, but the SDK insists on one.
    return { client: new OpenAI({ apiKey: apiKey ?? 'no-key', ...(deps.baseUrl ? { baseURL: deps.baseUrl } : {}), maxRetries: 0, timeout: 24 * 3_600_000 }), model: call.model };
  }

  function limitOf(maxTokens: number | undefined) {
    return maxTokens === undefined ? {} : deps.baseUrl ? { max_tokens: maxTokens } : { max_completion_tokens: maxTokens };
  }

  return {
    name: 'openai',
    async call(call, ctx) {
      const { client, model } = clientFor(call);
      const { system, user } = buildMessages(call);
      const response = await sending('openai', ctx.signal, () =>
        client.chat.completions.create(
          {
            model,
            messages: [...(system ? [{ role: 'system' as const, content: system }] : []), { role: 'user' as const, content: user }],
            ...limitOf(call.config.maxTokens),
            ...(call.config.temperature === undefined ? {} : { temperature: call.config.temperature }),
            ...(call.config.output === 'json' ? { response_format: { type: 'json_object' as const } } : {}),
          },
          { signal: ctx.signal },
        ),
      );
      return { text: response.choices[0]?.message?.content ?? '', usage: openAiUsage(response.usage), model: response.model ?? model };
    },

    /**
     * One turn. JSON output is not forced with `response_format` here: the loop
     * checks the final answer and feeds a bad one back, and compatible servers
     * differ on json mode alongside tools.
     */
    async turn(call, ctx) {
      const { client, model } = clientFor(call);
      const { config } = call;
      const body = {
        model,
        messages: [...(call.system ? [{ role: 'system' as const, content: call.system }] : []), ...toOpenAiMessages(call.messages)],
        ...limitOf(config.maxTokens),
        ...(config.temperature === undefined ? {} : { temperature: config.temperature }),
        ...(call.tools.length > 0 ? { tools: openAiTools(call.tools), tool_choice: config.toolChoice ?? 'auto' } : {}),
      };
      const onText = call.onText;
      const answer = await sending('openai', ctx.signal, async () => {
        if (onText) {
          const stream = await client.chat.completions.create({ ...body, stream: true, stream_options: { include_usage: true } }, { signal: ctx.signal });
          return assembleStream(stream, onText);
        }
        const response = await client.chat.completions.create(body, { signal: ctx.signal });
        const message = response.choices[0]?.message;
        return { text: message?.content, calls: message ? openAiToolCalls(message) : [], usage: response.usage, model: response.model };
      });
      return { content: fromOpenAiAnswer(answer.text, answer.calls), usage: openAiUsage(answer.usage), model: answer.model ?? model };
    },
  };
}
