import { FailureType } from '../../dag/failure-types.js';
import type { Logger } from '../../logger.js';
import { costOf, type PricingTable } from '../../pricing/pricing.js';
import { pickModel, type TierTable } from '../../pricing/tiers.js';
import type { ResolvedAgentConfig } from '../contract.js';
import { activityFailure } from '../failures.js';
import type { AgentProvider } from './provider.js';

/** What choosing and pricing a model needs from the worker. */
export interface ModelDeps {
  providers: ReadonlyMap<string, AgentProvider>;
  pricing: PricingTable;
  tiers: TierTable;
  logger: Logger;
}

/** The provider and model a call goes to (`model: auto` resolved); refuses a config no attempt could serve. */
export function chooseModel(deps: ModelDeps, config: Omit<ResolvedAgentConfig, 'apiKey'>, upstream: number): { provider: AgentProvider; pick: ReturnType<typeof pickModel> } {
  const provider = deps.providers.get(config.provider ?? '');
  if (!provider) {
    throw activityFailure({
      type: FailureType.UnknownProvider,
      message: `provider ${config.provider ?? '(none)'} is not configured on this worker (known: ${[...deps.providers.keys()].join(', ')})`,
      nonRetryable: true,
    });
  }
  const pick = pickModel(config, deps.tiers, upstream);
  if (config.model === 'auto' && !pick.model) {
    throw activityFailure({ type: FailureType.ConfigInvalid, message: `no ${pick.tier} model configured for ${provider.name} (WEFT_MODEL_TIERS)`, nonRetryable: true });
  }
  return { provider, pick };
}

/** A call's price: the provider's own, else the pricing table's; unknown prices leave null and a warning. */
export function priceCall(deps: ModelDeps, provider: string, model: string | null, usage: { inputTokens: number; outputTokens: number; cacheReadTokens?: number }, own: number | undefined): { costUsd: number | null; warnings: string[] } {
  if (own !== undefined) return { costUsd: own, warnings: [] };
  const costUsd = model ? costOf(deps.pricing, provider, model, usage) : null;
  if (costUsd !== null) return { costUsd, warnings: [] };
  deps.logger.warn({ provider, model }, 'no price for model; cost left null');
  return { costUsd: null, warnings: [`no price for ${provider}/${model ?? '(no model)'}: costUsd is null (add it with WEFT_PRICING_FILE)`] };
}
