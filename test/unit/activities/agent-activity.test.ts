import { describe, expect, it } from 'vitest';
import { createAgentActivity } from '../../../src/activities/agents/agent-activity.js';
import { createOfflineProvider } from '../../../src/activities/agents/offline-provider.js';
import type { AgentActivityInput } from '../../../src/activities/contract.js';
import { loadPricing } from '../../../src/pricing/pricing.js';
import { loadTiers } from '../../../src/pricing/tiers.js';
import { activityEnv, failureOf, fakes, runIn, TOKEN, tokenAt, type Fakes } from './support.js';

/** runAgent through the envelope, with the offline provider. */

function agent(f: Fakes) {
  return createAgentActivity({ providers: new Map([['offline', createOfflineProvider()]]), pricing: loadPricing(), tiers: loadTiers(), logger: f.logger, envelope: f.envelope });
}

function input(mock: Record<string, unknown>, extra: Partial<AgentActivityInput> = {}): AgentActivityInput {
  return { nodeId: 'ask', attemptOffset: 0, fallback: null, config: { provider: 'offline', prompt: 'what is weft?', mock }, ...extra };
}

describe('runAgent', () => {
  it('answers, numbering the record after earlier fallbacks, with the conversation as detail and secrets scrubbed', async () => {
    const f = fakes();
    const runAgent = agent(f);
    // A secret the (offline) model echoes back must not reach the output or the record.
    const withSecret = input({ text: '', costUsd: 0.5 }, { attemptOffset: 2, fallback: 0, deferred: [tokenAt(['mock', 'text'], 'the key is ')] });
    const result = await runIn(activityEnv({ attempt: 1 }), runAgent, withSecret);
    expect(result).toEqual({
      attempt: 1,
      output: { text: 'the key is [secret]', usage: expect.any(Object), costUsd: 0.5, provider: 'offline', model: null, cached: false, fallback: 0 },
    });
    expect(f.rows).toEqual([
      expect.objectContaining({
        nodeId: 'ask',
        attempt: 3,
        fallback: 0,
        status: 'succeeded',
        costUsd: 0.5,
        detail: { system: null, prompt: 'what is weft?', feedback: null, model: null, response: 'the key is [secret]', usage: expect.any(Object), latencyMs: expect.any(Number), warnings: [] },
      }),
    ]);
    expect(JSON.stringify(f.rows)).not.toContain(TOKEN);
  });

  it('serves a cached answer at no cost, marked cached, with this attempt’s fallback', async () => {
    const f = fakes();
    const runAgent = agent(f);
    const cached = (fallback: number | null) => input({ text: 'answer', costUsd: 0.5 }, { fallback, cache: { ttlMs: 60_000 } });
    await runIn(activityEnv(), runAgent, cached(null));
    const second = await runIn(activityEnv(), runAgent, cached(1));
    expect(second.output).toMatchObject({ text: 'answer', costUsd: 0, cached: true, fallback: 1 });
    expect(f.rows[1]).toMatchObject({ status: 'succeeded', costUsd: 0, fallback: 1, detail: { prompt: 'what is weft?', cached: true } });
    expect(f.rows[1]!.detail).not.toHaveProperty('response');
  });

  it('fails typed, with the attempt in the details and the conversation and error in the record', async () => {
    const f = fakes();
    const failure = await failureOf(activityEnv({ attempt: 1 }).run(agent(f), input({ failTimes: 1 })));
    expect(failure).toMatchObject({ type: 'MockFailure', nonRetryable: false, details: [{ attempt: 1 }] });
    expect(f.rows[0]).toMatchObject({
      attempt: 1,
      status: 'failed',
      error: { type: 'MockFailure', message: 'offline mock failure on attempt 1' },
      detail: { prompt: 'what is weft?', latencyMs: expect.any(Number), error: { type: 'MockFailure' } },
    });
    const second = await runIn(activityEnv({ attempt: 2 }), agent(f), input({ failTimes: 1 }));
    expect(second.attempt).toBe(2);
  });

  it('retries invalid JSON with the reason heartbeated to the next attempt’s prompt', async () => {
    const f = fakes();
    const env = activityEnv({ attempt: 1 });
    const beats: unknown[] = [];
    env.on('heartbeat', (d: unknown) => beats.push(d));
    const json = (mock: Record<string, unknown>) => input(mock, { config: { provider: 'offline', prompt: 'give JSON', output: 'json', mock } });
    const failure = await failureOf(env.run(agent(f), json({ text: 'not json' })));
    expect(failure).toMatchObject({ type: 'OUTPUT_INVALID', nonRetryable: false, details: [{ attempt: 1 }] });
    expect(beats).toContainEqual({ feedback: 'the answer was not valid JSON' });
    const next = await runIn(activityEnv({ attempt: 2, heartbeatDetails: { feedback: 'the answer was not valid JSON' } }), agent(f), json({ json: { ok: true } }));
    expect(next.output.json).toEqual({ ok: true });
    expect(f.rows[1]).toMatchObject({ attempt: 2, status: 'succeeded', detail: { feedback: 'the answer was not valid JSON' } });
  });

  it('refuses a provider the worker does not have, without a record row', async () => {
    const f = fakes();
    const failure = await failureOf(activityEnv().run(agent(f), { ...input({}), config: { provider: 'nope', prompt: 'x' } }));
    expect(failure).toMatchObject({ type: 'UNKNOWN_PROVIDER', nonRetryable: true, details: [{ attempt: 1 }] });
    expect(f.rows).toEqual([]);
  });
});
