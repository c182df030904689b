import type { AgentTier } from './schema.js';

/** What the complexity estimate looks at. */
export interface ComplexityInput {
  system?: string | undefined;
  prompt: string;
  /** How many nodes feed this one (more context to combine means harder work). */
  upstream: number;
  output?: 'text' | 'json' | undefined;
}

const HEAVY = /\b(architect\w*|design\w*|prove|proof|refactor\w*|debug\w*|root cause|security|threat|optimi[sz]\w*|migrat\w*|plan\w*|reason\w*|trade-?offs?|algorithm\w*|implement\w*)\b/gi;
const LIGHT = /\b(summari[sz]e|classify|extract|translate|format|list|rename|title|tag|label|yes or no|one word|short)\b/gi;

/**
 * The tier `model: auto` picks when a node gives no `tier` (documented in the
 * README): a score from the prompt's length (1 point per ~500 tokens, at most 4),
 * task keywords (+1 for each kind of heavy work such as design, refactor or debug,
 * at most 3; −1 for light work such as summarise, classify or extract, at most 2),
 * upstream nodes (+0.5 each, at most 2) and structured output (+0.5). Below 2:
 * fast; below 4.5: balanced; otherwise advanced.
 */
export function estimateTier(input: ComplexityInput): { tier: AgentTier; score: number } {
  const text = `${input.system ?? ''}\n${input.prompt}`;
  const tokens = Math.ceil(text.length / 4);
  const heavy = new Set((text.match(HEAVY) ?? []).map((w) => w.toLowerCase().slice(0, 6))).size;
  const light = new Set((text.match(LIGHT) ?? []).map((w) => w.toLowerCase())).size;
  const score =
    Math.min(tokens / 500, 4) + Math.min(heavy, 3) - Math.min(light, 2) + Math.min(input.upstream * 0.5, 2) + (input.output === 'json' ? 0.5 : 0);
  const tier: AgentTier = score < 2 ? 'fast' : score < 4.5 ? 'balanced' : 'advanced';
  return { tier, score: Math.round(score * 100) / 100 };
}
