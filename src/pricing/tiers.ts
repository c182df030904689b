import { z } from 'zod';
import { estimateTier } from '../dag/complexity.js';
import { agentTiers, type AgentConfig, type AgentTier } from '../dag/schema.js';

/** The model each tier means, by provider. */
export type TierTable = Record<string, Record<AgentTier, string>>;

/** Current models of each vendor (none deprecated: validation warns on those, src/pricing/deprecations.ts). */
export const DEFAULT_TIERS: TierTable = {
  anthropic: { fast: 'claude-haiku-5-5', balanced: 'claude-sonnet-5-5', advanced: 'claude-opus-5-5' },
  openai: { fast: 'gpt-5.6-luna', balanced: 'gpt-5.6-terra', advanced: 'gpt-5.6-sol' },
  offline: { fast: 'offline-fast', balanced: 'offline-balanced', advanced: 'offline-advanced' },
};

const tiersSchema = z.record(z.string(), z.strictObject(Object.fromEntries(agentTiers.map((t) => [t, z.string().min(1)])) as Record<AgentTier, z.ZodString>));

/** The tier table: defaults, with WEFT_MODEL_TIERS (JSON) merged over them per provider. */
export function loadTiers(json?: string): TierTable {
  if (!json) return DEFAULT_TIERS;
  const parsed = tiersSchema.safeParse(JSON.parse(json));
  if (!parsed.success) throw new Error(`WEFT_MODEL_TIERS: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return { ...DEFAULT_TIERS, ...parsed.data };
}

/**
 * The model a node calls: its `model`, or for `model: auto` the model of its
 * `tier`, or of the tier the complexity estimate gives.
 */
export function pickModel(config: Pick<AgentConfig, 'provider' | 'model' | 'tier' | 'system' | 'prompt' | 'output'>, tiers: TierTable, upstream: number): { model: string | undefined; tier?: AgentTier; score?: number } {
  if (config.model !== 'auto') return { model: config.model };
  const estimate = config.tier ? undefined : estimateTier({ system: config.system, prompt: config.prompt, upstream, output: config.output });
  const tier = config.tier ?? estimate!.tier;
  const model = tiers[config.provider ?? '']?.[tier];
  return { model, tier, ...(estimate ? { score: estimate.score } : {}) };
}
