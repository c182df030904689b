import { resolveTemplates } from '../dag/expressions.js';
import { agentTiers, type AgentConfig, type AgentNode, type Definition } from '../dag/schema.js';
import { costOf, type PricingTable } from '../pricing/pricing.js';
import type { TierTable } from '../pricing/tiers.js';

/** What one agent node is expected to cost, and from what. */
export interface NodeEstimate {
  minUsd: number;
  maxUsd: number;
  basis: 'history' | 'prompt-size';
}

export interface CostEstimate {
  minUsd: number;
  maxUsd: number;
  basis: 'history' | 'prompt-size' | 'mixed' | 'none';
  nodes: Record<string, NodeEstimate>;
  /** Agent nodes whose model has no price: left out of the sums. */
  unpriced: string[];
}

/** Observed costs of a node's successful attempts in earlier runs. */
export type CostHistory = Map<string, { minUsd: number; maxUsd: number }>;

/** Output tokens assumed when estimating from prompt sizes: at least this many, at most `maxTokens`. */
const MIN_OUTPUT_TOKENS = 100;
const DEFAULT_MAX_OUTPUT_TOKENS = 4_096;

/**
 * The expected cost range of a run before it starts (documented in the README):
 * per agent node, the range its successful attempts cost in earlier runs of the
 * workflow; with no history, input tokens from the prompt's size (templates over
 * `input` resolved, ~4 characters a token) and between 100 and `maxTokens`
 * (default 4,096) output tokens, at list price, over the primary model and its
 * fallbacks (`model: auto`: over the models of the tiers it could pick).
 */
export function estimateCost(definition: Definition, input: unknown, history: CostHistory, pricing: PricingTable, tiers: TierTable): CostEstimate {
  const nodes: Record<string, NodeEstimate> = {};
  const unpriced: string[] = [];
  for (const node of definition.nodes) {
    if (node.type !== 'agent') continue;
    const seen = history.get(node.id);
    if (seen) {
      nodes[node.id] = { ...seen, basis: 'history' };
      continue;
    }
    const range = promptSizeRange(node, definition, input, pricing, tiers);
    if (range) nodes[node.id] = { ...range, basis: 'prompt-size' };
    else unpriced.push(node.id);
  }
  const estimates = Object.values(nodes);
  const bases = new Set(estimates.map((e) => e.basis));
  const round = (n: number) => Math.round(n * 1e9) / 1e9;
  return {
    minUsd: round(estimates.reduce((sum, e) => sum + e.minUsd, 0)),
    maxUsd: round(estimates.reduce((sum, e) => sum + e.maxUsd, 0)),
    basis: bases.size === 0 ? 'none' : bases.size === 2 ? 'mixed' : [...bases][0]!,
    nodes,
    unpriced,
  };
}

function promptSizeRange(node: AgentNode, definition: Definition, input: unknown, pricing: PricingTable, tiers: TierTable): { minUsd: number; maxUsd: number } | null {
  const primary = { ...definition.defaults?.agent, ...node.agent } as AgentConfig;
  const main = configRange(primary, input, pricing, tiers);
  if (!main) return null;
  // The primary usually answers; each fallback can only add to the worst case.
  let maxUsd = main.max;
  for (const entry of node.fallback ?? []) {
    const range = configRange({ ...primary, ...entry } as AgentConfig, input, pricing, tiers);
    if (!range) return null;
    maxUsd += range.max;
  }
  return { minUsd: main.min, maxUsd };
}

/** The cost range of one call with this config, over every model it may use. */
function configRange(config: AgentConfig, input: unknown, pricing: PricingTable, tiers: TierTable): { min: number; max: number } | null {
  const mock = config.mock as { costUsd?: unknown } | undefined;
  if (config.provider === 'offline' && typeof mock?.costUsd === 'number') return { min: mock.costUsd, max: mock.costUsd };
  const inputTokens = Math.ceil((text(config.system, input) + text(config.prompt, input)).length / 4);
  const maxOut = config.maxTokens ?? DEFAULT_MAX_OUTPUT_TOKENS;
  const models = config.model === 'auto' ? (config.tier ? [config.tier] : agentTiers).map((t) => tiers[config.provider ?? '']?.[t]) : [config.model];
  let min = Infinity;
  let max = 0;
  for (const model of models) {
    const price = (outputTokens: number) =>
      config.provider === 'offline' ? (inputTokens + outputTokens) / 1_000_000 : model ? costOf(pricing, config.provider ?? '', model, { inputTokens, outputTokens }) : null;
    const low = price(Math.min(MIN_OUTPUT_TOKENS, maxOut));
    const high = price(maxOut);
    if (low === null || high === null) return null;
    min = Math.min(min, low);
    max = Math.max(max, high);
  }
  return { min, max };
}

/** A template's text with `input` resolved where it can be; what cannot resolve yet counts as written. */
function text(template: string | undefined, input: unknown): string {
  if (!template) return '';
  try {
    const resolved = resolveTemplates(template, { input });
    return typeof resolved === 'string' ? resolved : JSON.stringify(resolved ?? '');
  } catch {
    return template;
  }
}
