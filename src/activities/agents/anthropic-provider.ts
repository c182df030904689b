import Anthropic from '@anthropic-ai/sdk';
import { FailureType } from '../../dag/failure-types.js';
import { activityFailure } from '../failures.js';
import type { SecretStore } from '../secrets.js';
import { anthropicThinking, anthropicToolChoice, anthropicTools, anthropicUsage, fromAnthropicContent, toAnthropicMessages } from './anthropic-messages.js';
import { buildMessages, type AgentProvider } from './provider.js';
import { sending } from './provider-errors.js';

const DEFAULT_MAX_TOKENS = 4_096;

/**
 * Anthropic's Messages API through the official SDK. The SDK's own retries are
 * off: the node's Temporal retry policy is the one place retries happen.
 */
export function createAnthropicProvider(deps: { baseUrl?: string | undefined; secrets: SecretStore }): AgentProvider {
  function clientFor(call: { apiKey?: string | undefined; model: string | undefined }): { client: Anthropic; model: string } {
    const apiKey = call.apiKey ?? deps.secrets.get('ANTHROPIC_API_KEY');
    if (!apiKey) {
      throw activityFailure({ type: FailureType.ProviderAuth, message: 'anthropic: no key (set WEFT_SECRET_ANTHROPIC_API_KEY on the worker, or agent.apiKey)', nonRetryable: true });
    }
    if (!call.model) throw activityFailure({ type: FailureType.ConfigInvalid, message: 'anthropic: agent.model is required', nonRetryable: true });
    return { client: new Anthropic({ apiKey, ...(deps.baseUrl ? { baseURL: deps.baseUrl } : {}), maxRetries: 0, timeout: 24 * 3_600_000 }), model: call.model };
  }

  return {
    name: 'anthropic',
    async call(call, ctx) {
      const { client, model } = clientFor(call);
      const { system, user } = buildMessages(call);
      const response = await sending('anthropic', ctx.signal, () =>
        client.messages.create(
          {
            model,
            max_tokens: call.config.maxTokens ?? DEFAULT_MAX_TOKENS,
            ...(system ? { system } : {}),
            ...(call.config.temperature === undefined ? {} : { temperature: call.config.temperature }),
            messages: [{ role: 'user', content: user }],
          },
          { signal: ctx.signal },
        ),
      );
      const text = response.content.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join('');
      return { text, usage: anthropicUsage(response.usage), model: response.model ?? model };
    },

    async turn(call, ctx) {
      const { client, model } = clientFor(call);
      const { config } = call;
      const thinking = anthropicThinking(config.thinking);
      const budget = thinking?.type === 'enabled' ? thinking.budget_tokens : 0;
      const body: Anthropic.MessageCreateParamsNonStreaming = {
        model,
        // The thinking budget counts toward max_tokens and must stay below it: without a limit of
        // its own, the node's answer gets the default on top of the budget.
        max_tokens: config.maxTokens ?? budget + DEFAULT_MAX_TOKENS,
        ...(call.system ? { system: call.system } : {}),
        ...(config.temperature === undefined ? {} : { temperature: config.temperature }),
        messages: toAnthropicMessages(call.messages),
        ...(call.tools.length > 0 ? { tools: anthropicTools(call.tools), tool_choice: anthropicToolChoice(config.toolChoice) } : {}),
        ...(thinking ? { thinking } : {}),
      };
      const onText = call.onText;
      const response = await sending('anthropic', ctx.signal, () => {
        if (!onText) return client.messages.create(body, { signal: ctx.signal });
        const stream = client.messages.stream(body, { signal: ctx.signal });
        stream.on('text', (delta) => onText(delta));
        return stream.finalMessage();
      });
      return { content: fromAnthropicContent(response.content), usage: anthropicUsage(response.usage), model: response.model ?? model };
    },
  };
}
