import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import type { MockActivityEnvironment } from '@temporalio/testing';
import { describe, expect, it, vi } from 'vitest';
import { runAttempt, type AttemptDeps, type AttemptSpec } from '../../../src/activities/attempt.js';
import type { AttemptContext } from '../../../src/activities/attempt-context.js';
import type { AttemptObserver } from '../../../src/activities/attempt-observer.js';
import { activityFailure } from '../../../src/activities/failures.js';
import { activityEnv, failureOf, fakes, runIn, TOKEN, tokenAt } from './support.js';

/** The envelope itself, around bodies written for the test. */

type Value = { header: string };

function spec(overrides: Partial<AttemptSpec<Value, { said: string }>> = {}): AttemptSpec<Value, { said: string }> {
  return {
    nodeType: 'test',
    input: { nodeId: 'n', workflow: 'wf', deferred: [tokenAt(['header'])] },
    value: { header: '' },
    prepare: (ctx) => ({ detail: { header: ctx.value.header }, run: async () => ({ output: { said: ctx.value.header } }) }),
    ...overrides,
  };
}

/** A spec whose body fails with what `make` builds from its context. */
const failingWith = (make: (ctx: AttemptContext<Value>) => Error) => spec({ prepare: (ctx) => ({ detail: { header: ctx.value.header }, run: () => Promise.reject(make(ctx)) }) });

const run = (env: MockActivityEnvironment, deps: AttemptDeps, s: AttemptSpec<Value, { said: string }>) => runIn(env, () => runAttempt(deps, s));

describe('attempt envelope', () => {
  it('reveals secrets to the body and scrubs them from the output and the record', async () => {
    const f = fakes();
    const seen: string[] = [];
    const result = await run(
      activityEnv({ attempt: 2 }),
      f.envelope,
      spec({
        prepare: (ctx) => ({
          detail: { header: ctx.value.header },
          run: async () => {
            seen.push(ctx.value.header);
            return { output: { said: `${ctx.value.header} and ${ctx.secret('TOKEN')}` }, costUsd: 0.25 };
          },
        }),
      }),
    );
    expect(seen).toEqual([`Bearer ${TOKEN}`]);
    expect(result).toEqual({ output: { said: 'Bearer [secret] and [secret]' }, attempt: 2 });
    expect(f.rows).toHaveLength(1);
    expect(f.rows[0]).toMatchObject({ runId: 'test', nodeId: 'n', attempt: 2, fallback: null, status: 'succeeded', costUsd: 0.25, output: { said: 'Bearer [secret] and [secret]' }, detail: { header: 'Bearer [secret]' } });
    expect(JSON.stringify(f.rows)).not.toContain(TOKEN);
  });

  it('throws the body failure with {attempt} first in its details, type, retryability and retry delay kept, secrets scrubbed', async () => {
    const f = fakes();
    const limited = failingWith((ctx) => ApplicationFailure.create({ type: 'RATE_LIMITED', message: `slow down, ${ctx.value.header}`, nextRetryDelay: 1_500, details: [{ echoed: TOKEN }] }));
    const failure = await failureOf(run(activityEnv({ attempt: 3 }), f.envelope, limited));
    expect(failure.type).toBe('RATE_LIMITED');
    expect(failure.nonRetryable).toBe(false);
    expect(failure.nextRetryDelay).toBe(1_500);
    expect(failure.message).toBe('slow down, Bearer [secret]');
    expect(failure.details).toEqual([{ attempt: 3 }, { echoed: '[secret]' }]);
    expect(f.rows[0]).toMatchObject({ attempt: 3, status: 'failed', error: { type: 'RATE_LIMITED', message: 'slow down, Bearer [secret]' }, detail: { header: 'Bearer [secret]' } });
  });

  it('types what is not an ApplicationFailure: INTERNAL by default, or as the activity classifies it', async () => {
    const boom = failingWith(() => new Error(`socket closed for ${TOKEN}`));
    const plain = await failureOf(run(activityEnv(), fakes().envelope, boom));
    expect(plain).toMatchObject({ type: 'INTERNAL', message: 'socket closed for [secret]', nonRetryable: false, details: [{ attempt: 1 }] });
    const classified = await failureOf(run(activityEnv(), fakes().envelope, { ...boom, classify: (err) => activityFailure({ type: 'HTTP_ERROR', message: (err as Error).message, nonRetryable: true }) }));
    expect(classified).toMatchObject({ type: 'HTTP_ERROR', nonRetryable: true, details: [{ attempt: 1 }] });
  });

  it('fails a refusal in prepare (and a missing secret) without a record row', async () => {
    const f = fakes();
    const refusing = spec({ prepare: () => Promise.reject(activityFailure({ type: 'CONFIG_INVALID', message: 'no', nonRetryable: true })) });
    const refused = await failureOf(run(activityEnv({ attempt: 2 }), f.envelope, refusing));
    expect(refused).toMatchObject({ type: 'CONFIG_INVALID', nonRetryable: true, details: [{ attempt: 2 }] });
    const missing = await failureOf(run(activityEnv(), f.envelope, spec({ input: { nodeId: 'n', deferred: [{ path: ['header'], parts: [{ secret: 'secrets.NOT_SET' }] }] } })));
    expect(missing).toMatchObject({ type: 'SECRET_MISSING', nonRetryable: true, message: expect.stringContaining('WEFT_SECRET_NOT_SET') });
    expect(f.rows).toEqual([]);
  });

  it('records a cancelled attempt and throws CancelledFailure', async () => {
    const f = fakes();
    const env = activityEnv({ heartbeatTimeoutMs: 3_000 });
    const pending = run(env, f.envelope, spec({ prepare: (ctx) => ({ detail: {}, run: () => ctx.sleep(60_000).then(() => ({ output: { said: 'late' } })) }) }));
    setTimeout(() => env.cancel(), 50);
    await expect(pending).rejects.toBeInstanceOf(CancelledFailure);
    expect(f.rows).toEqual([expect.objectContaining({ status: 'cancelled', error: { type: 'CANCELLED', message: 'cancelled' } })]);
  });

  it('serves a cache hit without running the body, and caches only what gives a key', async () => {
    const f = fakes();
    const body = vi.fn(async () => ({ output: { said: 'fresh' } }));
    const cached = spec({
      input: { nodeId: 'n', cache: { ttlMs: 60_000 } },
      prepare: () => ({ detail: { kind: 'test' }, cacheKey: { same: true }, fromCache: (hit) => ({ output: { said: `${hit.said}, again` }, costUsd: 0 }), run: body }),
    });
    const first = await run(activityEnv(), f.envelope, cached);
    const second = await run(activityEnv(), f.envelope, cached);
    expect(body).toHaveBeenCalledTimes(1);
    expect(first.output).toEqual({ said: 'fresh' });
    expect(second.output).toEqual({ said: 'fresh, again' });
    expect(f.rows[1]).toMatchObject({ status: 'succeeded', costUsd: 0, detail: { kind: 'test', cached: true } });
    // Without a key the input's `cache` is ignored: the body runs every time.
    const keyless = vi.fn(async () => ({ output: { said: 'x' } }));
    await run(activityEnv(), f.envelope, { ...cached, prepare: () => ({ detail: {}, run: keyless }) });
    await run(activityEnv(), f.envelope, { ...cached, prepare: () => ({ detail: {}, run: keyless }) });
    expect(keyless).toHaveBeenCalledTimes(2);
  });

  it('heartbeats around the body, carrying what the body heartbeated and what the previous attempt left', async () => {
    const env = activityEnv({ heartbeatTimeoutMs: 600, heartbeatDetails: { step: 1 } });
    const beats: unknown[] = [];
    env.on('heartbeat', (d: unknown) => beats.push(d));
    let last: unknown;
    await run(
      env,
      fakes().envelope,
      spec({
        prepare: (ctx) => ({
          detail: {},
          run: async () => {
            last = ctx.lastHeartbeat;
            ctx.heartbeat({ step: 2 });
            await new Promise((r) => setTimeout(r, 450));
            return { output: { said: 'ok' } };
          },
        }),
      }),
    );
    expect(last).toEqual({ step: 1 });
    expect(beats[0]).toEqual({ step: 1 });
    expect(beats.slice(1).length).toBeGreaterThanOrEqual(2);
    expect(beats.slice(1).every((b) => (b as { step: number }).step === 2)).toBe(true);
  });

  it('tells the observer of start, success and failure, with whether Temporal will retry', async () => {
    const calls: unknown[][] = [];
    const observer: AttemptObserver = {
      started: (info) => void calls.push(['started', info]),
      succeeded: (info, output, costUsd) => void calls.push(['succeeded', info.nodeAttempt, output, costUsd]),
      failed: (info, error, willRetry) => void calls.push(['failed', info.attempt, error, willRetry]),
      warned: (info, warning, index) => void calls.push(['warned', info.nodeAttempt, warning, index]),
    };
    const f = fakes({ observer });
    await run(activityEnv({ attempt: 2 }), f.envelope, { ...spec(), attemptOffset: 3, fallback: 1 });
    expect(calls[0]).toEqual(['started', { runId: 'test', workflow: 'wf', nodeId: 'n', nodeType: 'test', attempt: 2, nodeAttempt: 5, fallback: 1, startedAt: expect.any(String) }]);
    expect(calls[1]).toEqual(['succeeded', 5, { said: 'Bearer [secret]' }, null]);
    expect(f.rows[0]).toMatchObject({ attempt: 5, fallback: 1 });

    calls.length = 0;
    const warning = spec();
    const prepare = warning.prepare;
    warning.prepare = async (ctx) => {
      const plan = await prepare(ctx);
      return { ...plan, run: async () => ({ ...(await plan.run()), warnings: [`no price, ${TOKEN}`] }) };
    };
    await run(activityEnv(), f.envelope, warning);
    expect(calls.map((c) => c[0])).toEqual(['started', 'warned', 'succeeded']);
    expect(calls[1]).toEqual(['warned', 1, 'no price, [secret]', 0]);

    const failing = (nonRetryable: boolean) => failingWith(() => activityFailure({ type: 'X', message: `m ${TOKEN}`, nonRetryable }));
    const policy = { maximumAttempts: 3, nonRetryableErrorTypes: ['NEVER_AGAIN'] };
    calls.length = 0;
    await failureOf(run(activityEnv({ attempt: 2, retryPolicy: policy }), f.envelope, failing(false)));
    await failureOf(run(activityEnv({ attempt: 3, retryPolicy: policy }), f.envelope, failing(false)));
    await failureOf(run(activityEnv({ attempt: 1, retryPolicy: policy }), f.envelope, failing(true)));
    await failureOf(run(activityEnv({ attempt: 1 }), f.envelope, failing(false)));
    const refused = failingWith(() => activityFailure({ type: 'NEVER_AGAIN', message: 'm' }));
    await failureOf(run(activityEnv({ attempt: 1, retryPolicy: policy }), f.envelope, refused));
    const failed = calls.filter((c) => c[0] === 'failed');
    expect(failed.map((c) => [c[1], c[3]])).toEqual([
      [2, true],
      [3, false],
      [1, false],
      [1, true],
      [1, false],
    ]);
    expect(failed[0]![2]).toEqual({ type: 'X', message: 'm [secret]' });
  });

  it('does not let a throwing observer fail the attempt, and logs it', async () => {
    const throwing: AttemptObserver = {
      started: () => {
        throw new Error('observer down');
      },
      succeeded: () => Promise.reject(new Error('observer down')),
      failed: () => undefined,
      warned: () => undefined,
    };
    const f = fakes({ observer: throwing });
    const result = await run(activityEnv(), f.envelope, spec());
    expect(result.output).toEqual({ said: 'Bearer [secret]' });
    expect(f.rows[0]).toMatchObject({ status: 'succeeded' });
    expect(f.logger.warn).toHaveBeenCalledTimes(2);
    expect(f.logger.warn.mock.calls[0]![0]).toMatchObject({ event: 'started', err: 'observer down' });
  });
});
