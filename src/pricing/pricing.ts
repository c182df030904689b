import { readFileSync } from 'node:fs';
import { z } from 'zod';
// Imported rather than read beside the module, so `npm run build` emits it into dist/ with the code.
import builtinPrices from './prices.json' with { type: 'json' };

const modelPrice = z.strictObject({ input: z.number().min(0), output: z.number().min(0), cacheRead: z.number().min(0).optional() });
const pricingFile = z.record(z.string(), z.union([z.string(), z.record(z.string(), modelPrice)]));

/** USD per million tokens for one model. */
export type ModelPrice = z.infer<typeof modelPrice>;

/** Prices by provider, then model. */
export type PricingTable = Record<string, Record<string, ModelPrice>>;

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens?: number;
}

/**
 * The pricing table: the built-in list prices, with a JSON file of the same shape
 * (WEFT_PRICING_FILE) merged over them model by model.
 * @throws Error naming the file and the problem when an override is malformed.
 */
export function loadPricing(overrideFile?: string): PricingTable {
  const table = parse(builtinPrices, 'built-in prices.json');
  if (!overrideFile) return table;
  const override = parse(JSON.parse(readFileSync(overrideFile, 'utf8')), overrideFile);
  for (const [provider, models] of Object.entries(override)) table[provider] = { ...table[provider], ...models };
  return table;
}

function parse(json: unknown, name: string): PricingTable {
  const result = pricingFile.safeParse(json);
  if (!result.success) throw new Error(`pricing file ${name}: ${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const table: PricingTable = {};
  for (const [provider, models] of Object.entries(result.data)) if (typeof models !== 'string') table[provider] = models;
  return table;
}

/**
 * What a call cost, at list price: cache reads at their own price (they are part
 * of the input count at some vendors, so they are billed once, not twice).
 * Null for a model the table does not know: never a guess.
 */
export function costOf(table: PricingTable, provider: string, model: string, usage: TokenUsage): number | null {
  const price = table[provider]?.[model];
  if (!price) return null;
  const cacheRead = usage.cacheReadTokens ?? 0;
  const usd = (usage.inputTokens * price.input + usage.outputTokens * price.output + cacheRead * (price.cacheRead ?? price.input)) / 1_000_000;
  return Math.round(usd * 1e12) / 1e12;
}
