/**
 * Models their vendors have deprecated, as the installed SDKs say (the Anthropic
 * SDK's `DEPRECATED_MODELS`; the OpenAI SDK marks none). Validation warns on them
 * (MODEL_DEPRECATED); they keep their prices. test/unit/model-deprecations.test.ts
 * fails when the installed SDK lists one this table lacks.
 */
export interface ModelDeprecation {
  vendor: string;
  /** The vendor's end-of-life date, ISO 8601. */
  endOfLife: string;
  /** The same line's current model, when there is one to move to. */
  replacement?: string;
}

export const MODEL_DEPRECATIONS: Readonly<Record<string, ModelDeprecation>> = {
  'claude-sonnet-4-5': { vendor: 'anthropic', endOfLife: '2026-11-30', replacement: 'claude-sonnet-5-5' },
  'claude-sonnet-4-5-20250929': { vendor: 'anthropic', endOfLife: '2026-11-30', replacement: 'claude-sonnet-5-5' },
  // An invitation-only preview: its successors are not open to every account, so none is suggested.
  'claude-mythos-preview': { vendor: 'anthropic', endOfLife: '2026-06-30' },
};

/** The deprecation of `model` served by `provider` (any provider when it is not known here). */
export function modelDeprecation(provider: unknown, model: unknown): ModelDeprecation | undefined {
  if (typeof model !== 'string' || !Object.hasOwn(MODEL_DEPRECATIONS, model)) return undefined;
  const found = MODEL_DEPRECATIONS[model]!;
  return provider === undefined || provider === found.vendor ? found : undefined;
}
