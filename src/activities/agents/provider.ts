import type { ContentBlock, ConversationMessage, TokenUsage, ToolDefinition } from '../../dag/conversation.js';
import type { ResolvedAgentConfig } from '../contract.js';

/** What a provider needs from the running activity. */
export interface ProviderContext {
  /** The Temporal attempt, 1-based. */
  attempt: number;
  /** Aborts when the activity is cancelled; providers pass it to their HTTP calls. */
  signal: AbortSignal;
  /** Sleeps, aborting on cancellation. */
  sleep(ms: number): Promise<void>;
}

/** One call to make, with everything resolved. */
export interface ProviderCall {
  config: ResolvedAgentConfig;
  /** The model to call (`model: auto` already resolved). */
  model: string | undefined;
  /** The key from `agent.apiKey` (a secret), overriding the provider's own. */
  apiKey?: string | undefined;
  /** Why the previous attempt's output was rejected, so the model can correct it. */
  feedback?: string | undefined;
}

export interface ProviderResult {
  text: string;
  /** Set by providers that produce structured output themselves (the offline mock). */
  json?: unknown;
  usage: { inputTokens: number; outputTokens: number; cacheReadTokens?: number };
  /** The model the vendor reports having used. */
  model: string | null;
  /** Set by providers with their own pricing (the offline mock); otherwise the pricing table prices the call. */
  costUsd?: number;
}

/** One turn of an agent loop (weft-agents 3.1): the conversation so far, and the tools the model may call. */
export interface TurnCall {
  /** The node's config: temperature, maxTokens, thinking, toolChoice; the offline provider's `mock.script`. */
  config: ResolvedAgentConfig;
  /** The model to call (`model: auto` already resolved). */
  model: string | undefined;
  apiKey?: string | undefined;
  /** The system prompt as sent (the JSON-output rule already added). */
  system: string | undefined;
  /** User and assistant messages alternating, starting with the user's prompt; never empty. */
  messages: ConversationMessage[];
  tools: ToolDefinition[];
  /** 1-based; the offline provider plays its script's entry for this turn (past the end, the last). */
  turn: number;
  /** Given, the provider streams and hands each piece of text to it as the vendor sends it. */
  onText?: ((delta: string) => void) | undefined;
}

/** What one turn answered: the assistant message, in Weft's content blocks. */
export interface TurnResult {
  content: ContentBlock[];
  usage: TokenUsage;
  /** The model the vendor reports having used. */
  model: string | null;
  /** Set by providers with their own pricing (the offline script). */
  costUsd?: number;
}

/** One LLM vendor (or the offline provider): a single call, no retries of its own. */
export interface AgentProvider {
  readonly name: string;
  /** A v1 agent node: one prompt, one answer. */
  call(call: ProviderCall, ctx: ProviderContext): Promise<ProviderResult>;
  /** One turn of an agent loop with tools. */
  turn(call: TurnCall, ctx: ProviderContext): Promise<TurnResult>;
}

/**
 * The system and user messages of a call: JSON output asks for JSON only (with
 * the schema when there is one), and a retry after invalid output says what was
 * wrong with the last answer.
 */
export function buildMessages(call: ProviderCall): { system: string | undefined; user: string } {
  const { config } = call;
  let system = config.system;
  if (config.output === 'json') {
    const rule = config.schema
      ? `Respond with a single JSON value only, no prose, valid against this JSON Schema:\n${JSON.stringify(config.schema)}`
      : 'Respond with a single JSON value only, no prose.';
    system = system ? `${system}\n\n${rule}` : rule;
  }
  const user = call.feedback ? `${config.prompt}\n\nYour previous answer was rejected: ${call.feedback}\nAnswer again, correcting that.` : config.prompt;
  return { system, user };
}
