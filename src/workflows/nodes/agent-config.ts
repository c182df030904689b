import { resolveTemplatesDeferringSecrets, type DeferredTemplate } from '../../dag/expressions.js';
import { systemPrompt } from '../../dag/roles.js';
import type { ResolvedAgentConfig } from '../../activities/contract.js';
import type { RunContext } from './executor.js';

/** A resolved template as text: strings as they are, anything else as JSON. */
export function asText(value: unknown): string {
  return typeof value === 'string' ? value : value === undefined || value === null ? '' : JSON.stringify(value);
}

/**
 * An agent config with its templates resolved, except those reading secrets
 * (`deferred`, for the activity); the prompt as text, the system prompt with its role.
 * @throws what a template throws.
 */
export function resolveAgentConfig(raw: object, bindings: object, run: Pick<RunContext, 'definition'>): { config: ResolvedAgentConfig; deferred: DeferredTemplate[] } {
  const resolved = resolveTemplatesDeferringSecrets(raw, bindings);
  const config = resolved.value as ResolvedAgentConfig;
  // A prompt that is one template keeps its value's type; the model gets text.
  config.prompt = asText(config.prompt);
  config.system = systemPrompt(config.role, config.system === undefined ? undefined : asText(config.system), run.definition.roles);
  return { config, deferred: resolved.deferred };
}

