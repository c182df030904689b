import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MODEL_DEPRECATIONS } from '../../src/dag/model-deprecations.js';
import { validateDefinition } from '../../src/dag/validate.js';
import { loadPricing } from '../../src/pricing/pricing.js';
import { DEFAULT_TIERS } from '../../src/pricing/tiers.js';

/** The installed Anthropic SDK's own deprecation map (not exported by the package, so read as its source). */
function sdkDeprecations(): Record<string, string> {
  const root = dirname(createRequire(import.meta.url).resolve('@anthropic-ai/sdk'));
  const source = readFileSync(join(root, 'internal', 'data', 'deprecated-models.js'), 'utf8');
  return Object.fromEntries([...source.matchAll(/'([^']+)':\s*'([^']+)'/g)].map((m) => [m[1], m[2]]));
}

const agentNode = (agent: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ id: 'a', type: 'agent', agent: { prompt: 'p', ...agent }, ...extra });
const def = (nodes: unknown[], extra: Record<string, unknown> = {}) => ({ apiVersion: 'weft/v1', name: 'm', nodes, ...extra });

describe('models of today', () => {
  it('knows every model the installed Anthropic SDK deprecates, with its end-of-life date', () => {
    const sdk = sdkDeprecations();
    expect(Object.keys(sdk).length).toBeGreaterThan(0);
    for (const [model, date] of Object.entries(sdk)) {
      expect(MODEL_DEPRECATIONS[model], model).toBeDefined();
      expect(new Date(`${date.replace(/(\d)(st|nd|rd|th)/, '$1')} UTC`).toISOString().slice(0, 10)).toBe(MODEL_DEPRECATIONS[model]!.endOfLife);
    }
  });

  it('tiers name priced models no vendor deprecated; deprecated models keep their prices', () => {
    const prices = loadPricing();
    for (const [provider, tiers] of Object.entries(DEFAULT_TIERS)) {
      if (provider === 'offline') continue;
      for (const model of Object.values(tiers)) {
        expect(prices[provider]?.[model], `${provider} ${model}`).toBeDefined();
        expect(MODEL_DEPRECATIONS[model]).toBeUndefined();
      }
    }
    expect(prices.anthropic!['claude-sonnet-4-5']).toEqual({ input: 3, output: 15, cacheRead: 0.3 });
    for (const d of Object.values(MODEL_DEPRECATIONS)) if (d.replacement) expect(prices[d.vendor]![d.replacement]).toBeDefined();
  });
});

describe('MODEL_DEPRECATED warnings', () => {
  it('warn where a deprecated model is written; the definition stays valid', async () => {
    const result = await validateDefinition(
      def([agentNode({ provider: 'anthropic', model: 'claude-sonnet-4-5' }, { fallback: [{ model: 'claude-sonnet-4-5-20250929' }] })], {
        defaults: { agent: { provider: 'anthropic', model: 'claude-mythos-preview' } },
        agents: { old: { model: 'claude-sonnet-4-5' } },
      }),
    );
    expect(result.valid).toBe(true);
    expect(result.warnings.map((w) => `${w.code} ${w.path}`)).toEqual([
      'MODEL_DEPRECATED /agents/old/model',
      'MODEL_DEPRECATED /defaults/agent/model',
      'MODEL_DEPRECATED /nodes/0/agent/model',
      'MODEL_DEPRECATED /nodes/0/fallback/0/model',
    ]);
    expect(result.warnings[2]!.message).toBe('claude-sonnet-4-5 is deprecated by anthropic: end of life 2026-11-30; move to claude-sonnet-5-5');
    expect(result.warnings[1]!.message).toBe('claude-mythos-preview is deprecated by anthropic: end of life 2026-06-30');
  });

  it('come with the errors of an invalid definition too', async () => {
    const result = await validateDefinition(def([agentNode({ provider: 'anthropic', model: 'claude-sonnet-4-5' }), { id: 'b', type: 'nope' }]));
    expect(result).toMatchObject({ valid: false, errors: [{ code: 'UNKNOWN_TYPE' }], warnings: [{ code: 'MODEL_DEPRECATED', path: '/nodes/0/agent/model' }] });
  });

  it('none for current models, nor for another provider serving a model of the same name', async () => {
    for (const agent of [{ provider: 'anthropic', model: 'claude-sonnet-5-5' }, { provider: 'openai', model: 'claude-sonnet-4-5' }, { provider: 'anthropic', model: 'auto', tier: 'balanced' }]) {
      expect((await validateDefinition(def([agentNode(agent)]))).warnings).toEqual([]);
    }
  });
});
