import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, definition, type Harness } from '../support/harness.js';
import { FAKE_LLM_KEYS, FakeLlmServer } from '../support/fake-llm.js';
import { DEFAULT_TIERS } from '../../src/pricing/tiers.js';

/**
 * The anthropic and openai providers through their real SDKs, against a local
 * server that speaks each vendor's protocol (WEFT_ANTHROPIC_BASE_URL,
 * WEFT_OPENAI_BASE_URL): success, JSON output, 429 with retry-after, 500, 529, 400.
 */
const fake = new FakeLlmServer();
let h: Harness;

beforeAll(async () => {
  await fake.start();
  h = await createHarness({
    workerEnv: {
      ...fake.workerEnv(),
    },
  });
});
afterAll(async () => {
  await h?.close();
  await fake.stop();
});

const MODELS = { anthropic: 'claude-sonnet-4-5', openai: 'gpt-4o-mini' } as const;
const fast = { initialInterval: '10ms', backoffCoefficient: 1 };
let seq = 0;
const marker = (name: string) => `[${name}-${++seq}]`;

function agent(id: string, provider: 'anthropic' | 'openai', prompt: string, extra: Record<string, unknown> = {}, agentExtra: Record<string, unknown> = {}) {
  return { id, type: 'agent', retry: { maxAttempts: 3, ...fast }, agent: { provider, model: MODELS[provider], prompt, ...agentExtra }, ...extra };
}

describe.each(['anthropic', 'openai'] as const)('%s provider', (provider) => {
  it('calls the vendor with the key, system and prompt, and prices the usage', async () => {
    const m = marker('ok');
    fake.script(m, [{ text: 'a fine answer', usage: { input: 1_000, output: 2_000 } }]);
    const run = await h.run(definition('provider-ok', [agent('ask', provider, `Say something ${m}`, {}, { system: 'Be brief.' })]));
    expect(run.status).toBe('succeeded');
    expect(run.nodes.ask!.output).toMatchObject({ text: 'a fine answer', provider, model: MODELS[provider], usage: { inputTokens: 1_000, outputTokens: 2_000 }, cached: false, fallback: null });
    const [request] = fake.requestsFor(m);
    expect(request!.vendor).toBe(provider);
    expect(request!.system).toBe('Be brief.');
    // Anthropic's SDK sends the key as x-api-key (0.x) or a bearer token (1.x); OpenAI's as a bearer token.
    const sentKey = request!.headers['x-api-key'] ?? request!.headers.authorization?.replace(/^Bearer /, '');
    expect(sentKey).toBe(FAKE_LLM_KEYS[provider]);
    // 1,000 in and 2,000 out at list price: claude-sonnet-4-5 $3/$15, gpt-4o-mini $0.15/$0.60 per million.
    expect(run.nodes.ask!.costUsd).toBeCloseTo(provider === 'anthropic' ? 0.033 : 0.00135, 12);
    await h.recordHistory(`provider-${provider}`, run.id);
  });

  it('parses JSON output, retrying invalid answers with the reason in the next prompt', async () => {
    const m = marker('json');
    fake.script(m, [{ text: 'not json at all' }, { text: '{"risk": 7}' }, { text: '```json\n{"risk": "high"}\n```' }]);
    const schema = { type: 'object', required: ['risk'], properties: { risk: { type: 'string' } } };
    const run = await h.run(definition('provider-json', [agent('judge', provider, `Rate the risk ${m}`, {}, { output: 'json', schema })]));
    expect(run.nodes.judge).toMatchObject({ status: 'succeeded', attempts: 3, output: { json: { risk: 'high' } } });
    const requests = fake.requestsFor(m);
    expect(requests).toHaveLength(3);
    expect(requests[0]!.system).toContain('JSON Schema');
    expect(requests[1]!.user).toContain('not valid JSON');
    expect(requests[2]!.user).toContain('/risk must be string');
    const attempts = await h.repos.nodeExecutions.list(run.id, 'judge');
    expect(attempts.map((a) => [a.status, (a.error as { type?: string } | null)?.type ?? null])).toEqual([
      ['failed', 'OUTPUT_INVALID'],
      ['failed', 'OUTPUT_INVALID'],
      ['succeeded', null],
    ]);
  });

  it('waits out a 429 for its retry-after before retrying', async () => {
    const m = marker('429');
    fake.script(m, [{ status: 429, headers: { 'retry-after': '1' } }, { text: 'after the wait' }]);
    const run = await h.run(definition('provider-429', [agent('busy', provider, `Now ${m}`)]));
    expect(run.nodes.busy).toMatchObject({ status: 'succeeded', attempts: 2, output: { text: 'after the wait' } });
    const [first, second] = fake.requestsFor(m);
    // The node's own policy would retry after 10ms; the server asked for a second.
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(950);
    const attempts = await h.repos.nodeExecutions.list(run.id, 'busy');
    expect((attempts[0]!.error as { type: string }).type).toBe('RATE_LIMITED');
  });

  it.each([500, 529])('retries a %i', async (status) => {
    const m = marker(`s${status}`);
    fake.script(m, [{ status }, { text: 'recovered' }]);
    const run = await h.run(definition('provider-5xx', [agent('flaky', provider, `Go ${m}`)]));
    expect(run.nodes.flaky).toMatchObject({ status: 'succeeded', attempts: 2 });
    const attempts = await h.repos.nodeExecutions.list(run.id, 'flaky');
    expect((attempts[0]!.error as { type: string }).type).toBe('PROVIDER_UNAVAILABLE');
  });

  it.each([
    [400, 'PROVIDER_REJECTED'],
    [401, 'PROVIDER_AUTH'],
    [404, 'PROVIDER_REJECTED'],
  ])('does not retry a %i', async (status, type) => {
    const m = marker(`s${status}`);
    fake.script(m, [{ status }]);
    const run = await h.run(definition('provider-4xx', [agent('bad', provider, `Go ${m}`)]));
    expect(run.status).toBe('failed');
    expect(run.nodes.bad).toMatchObject({ status: 'failed', attempts: 1, error: { type } });
    expect(fake.requestsFor(m)).toHaveLength(1);
  });
});

describe('pricing, tiers and roles', () => {
  it('reports costUsd 0.033 for 1,000 in and 2,000 out on claude-sonnet-4-5; the run cost sums its nodes', async () => {
    const m = marker('sum');
    fake.script(m, [{ text: 'x', usage: { input: 1_000, output: 2_000 } }]);
    const run = await h.run(
      definition('cost-sum', [
        agent('one', 'anthropic', `first ${m}`),
        agent('two', 'anthropic', `second ${m}`),
        { id: 'free', type: 'agent', agent: { provider: 'offline', prompt: 'p', mock: { text: 't', costUsd: 0.5 } } },
      ]),
    );
    expect(run.nodes.one!.costUsd).toBe(0.033);
    expect(run.nodes.two!.costUsd).toBe(0.033);
    expect(run.costUsd).toBeCloseTo(0.566, 12);
  });

  it('leaves cost null, with a warning, for a model the pricing table does not know', async () => {
    const m = marker('unknown');
    fake.script(m, [{ text: 'x', usage: { input: 10, output: 10 } }]);
    const run = await h.run(definition('unknown-model', [{ ...agent('a', 'openai', `hi ${m}`), agent: { provider: 'openai', model: 'my-local-llama', prompt: `hi ${m}` } }]));
    expect(run.nodes.a).toMatchObject({ status: 'succeeded', costUsd: null });
    const [attempt] = await h.repos.nodeExecutions.list(run.id, 'a');
    expect((attempt!.detail as { warnings: string[] }).warnings[0]).toMatch(/no price for openai\/my-local-llama/);
  });

  it('model auto picks the tier given, or the one the complexity estimate gives', async () => {
    const m = marker('auto');
    fake.script(m, [{ text: 'ok' }]);
    const run = await h.run(
      definition('auto-model', [
        { id: 'tiered', type: 'agent', agent: { provider: 'anthropic', model: 'auto', tier: 'advanced', prompt: `x ${m}` } },
        { id: 'easy', type: 'agent', agent: { provider: 'anthropic', model: 'auto', prompt: `Summarize this title in one word ${m}` } },
        {
          id: 'hard',
          type: 'agent',
          agent: { provider: 'openai', model: 'auto', prompt: `Design the architecture, plan the migration and debug the security threat model ${m} ${'context '.repeat(900)}` },
        },
      ]),
    );
    expect(run.nodes.tiered!.output).toMatchObject({ model: DEFAULT_TIERS.anthropic!.advanced });
    expect(run.nodes.easy!.output).toMatchObject({ model: DEFAULT_TIERS.anthropic!.fast });
    expect(run.nodes.hard!.output).toMatchObject({ model: DEFAULT_TIERS.openai!.advanced });
  });

  it('a role supplies the system prompt, extended by the node and by the definition', async () => {
    const m = marker('role');
    fake.script(m, [{ text: 'ok' }]);
    await h.run(
      definition(
        'roles',
        [
          { id: 'r', type: 'agent', agent: { provider: 'anthropic', model: MODELS.anthropic, role: 'reviewer', system: 'Focus on tests.', prompt: `review ${m}` } },
          { id: 'c', type: 'agent', agent: { provider: 'anthropic', model: MODELS.anthropic, role: 'poet', prompt: `verse ${m}` } },
        ],
        { roles: { poet: { system: 'You write haiku.' } } },
      ),
    );
    const [review, poem] = [fake.requestsFor(`review ${m}`)[0]!, fake.requestsFor(`verse ${m}`)[0]!];
    expect(review.system).toMatch(/^You are a demanding reviewer[\s\S]*\n\nFocus on tests\.$/);
    expect(poem.system).toBe('You write haiku.');
  });
});
