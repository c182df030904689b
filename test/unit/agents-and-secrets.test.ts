import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { retryAfterMs } from '../../src/activities/retry-after.js';
import { revealSecrets, scrubSecrets, SecretStore } from '../../src/activities/secrets.js';
import { parseJsonText } from '../../src/activities/agents/agent-activity.js';
import { estimateTier } from '../../src/dag/complexity.js';
import { resolveTemplatesDeferringSecrets } from '../../src/dag/expressions.js';
import { costOf, loadPricing } from '../../src/pricing/pricing.js';
import { loadTiers, pickModel } from '../../src/pricing/tiers.js';

describe('pricing', () => {
  it('prices tokens at list price, cache reads at their own price, and knows no guesses', () => {
    const table = loadPricing();
    expect(costOf(table, 'anthropic', 'claude-sonnet-4-5', { inputTokens: 1_000, outputTokens: 2_000 })).toBe(0.033);
    expect(costOf(table, 'openai', 'gpt-4o-mini', { inputTokens: 1_000_000, outputTokens: 1_000_000 })).toBe(0.75);
    expect(costOf(table, 'anthropic', 'claude-sonnet-4-5', { inputTokens: 0, outputTokens: 0, cacheReadTokens: 1_000_000 })).toBe(0.3);
    expect(costOf(table, 'openai', 'no-such-model', { inputTokens: 1, outputTokens: 1 })).toBeNull();
  });

  it('merges an override file over the built-in table and rejects a malformed one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'weft-price-'));
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify({ openai: { 'my-model': { input: 1, output: 2 } }, anthropic: { 'claude-sonnet-4-5': { input: 2, output: 10 } } }));
    const table = loadPricing(good);
    expect(table.openai!['my-model']).toEqual({ input: 1, output: 2 });
    expect(table.openai!['gpt-4o-mini']).toBeDefined();
    expect(table.anthropic!['claude-sonnet-4-5']).toEqual({ input: 2, output: 10 });
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ openai: { x: { input: -1 } } }));
    expect(() => loadPricing(bad)).toThrow(/bad\.json/);
  });
});

describe('model tiers', () => {
  it('estimates complexity from length, task words, upstream nodes and output', () => {
    expect(estimateTier({ prompt: 'Summarize this title in one word', upstream: 0 }).tier).toBe('fast');
    expect(estimateTier({ prompt: 'Design the data model and plan the migration', upstream: 1 }).tier).toBe('balanced');
    expect(estimateTier({ prompt: `Refactor and debug this; reason about security. ${'code '.repeat(1_000)}`, upstream: 4, output: 'json' }).tier).toBe('advanced');
  });

  it('picks the model of the tier for model: auto, and leaves explicit models alone', () => {
    const tiers = loadTiers('{"openai": {"fast": "a", "balanced": "b", "advanced": "c"}}');
    expect(pickModel({ provider: 'openai', model: 'auto', tier: 'balanced', prompt: 'p' }, tiers, 0)).toEqual({ model: 'b', tier: 'balanced' });
    expect(pickModel({ provider: 'openai', model: 'auto', prompt: 'list them' }, tiers, 0)).toMatchObject({ model: 'a', tier: 'fast' });
    expect(pickModel({ provider: 'anthropic', model: 'auto', tier: 'fast', prompt: 'p' }, tiers, 0).model).toBe('claude-haiku-5-5');
    expect(pickModel({ provider: 'openai', model: 'gpt-4o', prompt: 'p' }, tiers, 0)).toEqual({ model: 'gpt-4o' });
    expect(() => loadTiers('{"openai": {"fast": "a"}}')).toThrow(/WEFT_MODEL_TIERS/);
  });
});

describe('provider helpers', () => {
  it('reads retry-after in seconds, milliseconds or as a date, capped', () => {
    const headers = (h: Record<string, string>) => (name: string) => h[name];
    expect(retryAfterMs(headers({ 'retry-after': '2' }))).toBe(2_000);
    expect(retryAfterMs(headers({ 'retry-after-ms': '150', 'retry-after': '9' }))).toBe(150);
    expect(retryAfterMs(headers({ 'retry-after': new Date(10_000 + 5_000).toUTCString() }), 10_000)).toBe(5_000);
    expect(retryAfterMs(headers({ 'retry-after': '999999' }))).toBe(600_000);
    expect(retryAfterMs(headers({}))).toBeUndefined();
  });

  it('reads JSON answers, fenced or not', () => {
    expect(parseJsonText('{"a": 1}')).toEqual({ a: 1 });
    expect(parseJsonText('```json\n[1, 2]\n```')).toEqual([1, 2]);
    expect(typeof parseJsonText('Sure! {"a": 1}')).toBe('symbol');
  });
});

describe('secrets', () => {
  const store = SecretStore.fromEnv({ WEFT_SECRET_TOKEN: 'tok-123456', WEFT_SECRET_EMPTY: '', OTHER: 'x' });

  it('leaves secret templates to the activity, resolving everything else in the workflow', () => {
    const { value, deferred } = resolveTemplatesDeferringSecrets(
      { url: 'https://x/{{ input.id }}', headers: { authorization: 'Bearer {{ secrets.TOKEN }} for {{ input.id }}', plain: '{{ input.id }}' } },
      { input: { id: 7 } },
    );
    expect(value).toEqual({ url: 'https://x/7', headers: { authorization: '', plain: 7 } });
    expect(deferred).toEqual([{ path: ['headers', 'authorization'], parts: [{ text: 'Bearer ' }, { secret: 'secrets.TOKEN' }, { text: ' for ' }, { text: '7' }] }]);
    const revealed = revealSecrets(value, deferred, store);
    expect(revealed.value).toEqual({ url: 'https://x/7', headers: { authorization: 'Bearer tok-123456 for 7', plain: 7 } });
    expect(revealed.secrets).toEqual(['tok-123456']);
    expect(value).toEqual({ url: 'https://x/7', headers: { authorization: '', plain: 7 } });
  });

  it('fails a missing secret non-retryably, naming the variable', () => {
    const { value, deferred } = resolveTemplatesDeferringSecrets({ h: '{{ secrets.EMPTY }}' }, {});
    expect(() => revealSecrets(value, deferred, store)).toThrow(/WEFT_SECRET_EMPTY/);
  });

  it('scrubs secret values from strings and keys, deeply', () => {
    expect(scrubSecrets({ a: 'x tok-123456 y', list: ['tok-123456'], 'tok-123456': 1, n: 5 }, ['tok-123456'])).toEqual({ a: 'x [secret] y', list: ['[secret]'], '[secret]': 1, n: 5 });
  });
});
