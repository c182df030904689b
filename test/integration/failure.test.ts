import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentNode, createHarness, definition, type Harness } from '../support/harness.js';
import { waitFor } from '../support/processes.js';

/** Contract 3.3: retries, timeouts, fallbacks, onFailure, fail-fast; and what the database records. */
let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
});

const fast = { initialInterval: '10ms', backoffCoefficient: 1 };

describe('retries', () => {
  it('retries retryable failures and records every attempt once', async () => {
    const run = await h.run(definition('retry', [agentNode('flaky', { text: 'ok', failTimes: 2 }, { retry: { maxAttempts: 4, ...fast } })]));
    expect(run.nodes.flaky).toMatchObject({ status: 'succeeded', attempts: 3 });
    const rows = await h.repos.nodeExecutions.list(run.id, 'flaky');
    expect(rows.map((r) => [r.attempt, r.status])).toEqual([
      [1, 'failed'],
      [2, 'failed'],
      [3, 'succeeded'],
    ]);
    expect(rows[0]!.error).toMatchObject({ type: 'MockFailure' });
    await h.recordHistory('retry-then-succeed', run.id);
  });

  it('fails the run with NODE_FAILED when attempts are spent, cancelling what is pending', async () => {
    const run = await h.run(
      definition('exhausted', [
        agentNode('flaky', { failAlways: true, error: { type: 'Overloaded', message: 'try later' } }, { retry: { maxAttempts: 3, ...fast } }),
        { id: 'after', type: 'transform', needs: ['flaky'], output: 'x' },
      ]),
    );
    expect(run.status).toBe('failed');
    expect(run.error).toEqual({ code: 'NODE_FAILED', node: 'flaky', message: expect.stringContaining('try later') });
    expect(run.nodes.flaky).toMatchObject({ status: 'failed', attempts: 3, error: { type: 'Overloaded', message: 'try later' } });
    expect(run.nodes.after!.status).toBe('cancelled');
    expect(await h.repos.nodeExecutions.list(run.id, 'flaky')).toHaveLength(3);
    await h.recordHistory('retry-exhausted', run.id);
  });

  it('does not retry an error marked non-retryable, nor a type listed in retry.nonRetryable', async () => {
    const run = await h.run(
      definition('non-retryable', [
        agentNode('flagged', { failAlways: true, error: { type: 'Bad', nonRetryable: true } }, { retry: { maxAttempts: 5, ...fast }, onFailure: 'continue' }),
        agentNode('listed', { failAlways: true, error: { type: 'QuotaGone' } }, { retry: { maxAttempts: 5, nonRetryable: ['QuotaGone'], ...fast }, onFailure: 'continue' }),
        agentNode('other', { failAlways: true, error: { type: 'Transient' } }, { retry: { maxAttempts: 2, nonRetryable: ['QuotaGone'], ...fast }, onFailure: 'continue' }),
      ]),
    );
    expect(run.nodes.flagged).toMatchObject({ status: 'failed', attempts: 1 });
    expect(run.nodes.listed).toMatchObject({ status: 'failed', attempts: 1 });
    expect(run.nodes.other).toMatchObject({ status: 'failed', attempts: 2 });
  });

  it('fails an attempt that outlives its timeout and retries it', async () => {
    const run = await h.run(definition('timeout', [agentNode('slow', { text: 'late', delay: '5s' }, { timeout: '500ms', retry: { maxAttempts: 2, ...fast } })]));
    expect(run.status).toBe('failed');
    expect(run.nodes.slow).toMatchObject({ status: 'failed', attempts: 2, error: { type: 'TIMEOUT' } });
  });
});

describe('fallbacks', () => {
  it('tries each fallback in turn after the primary, counting every attempt', async () => {
    const run = await h.run(
      definition('fallback', [
        {
          ...agentNode('review', { failAlways: true }, { retry: { maxAttempts: 2, ...fast } }),
          fallback: [{ model: 'medium', mock: { failAlways: true } }, { model: 'small', mock: { text: 'from small' } }],
        },
      ]),
    );
    expect(run.status).toBe('succeeded');
    expect(run.degraded).toBe(true);
    expect(run.nodes.review).toMatchObject({ status: 'succeeded', attempts: 5, fallback: 1, degraded: true, output: { text: 'from small', model: 'small', fallback: 1 } });
    const rows = await h.repos.nodeExecutions.list(run.id, 'review');
    expect(rows.map((r) => [r.attempt, r.fallback, r.status])).toEqual([
      [1, null, 'failed'],
      [2, null, 'failed'],
      [3, 0, 'failed'],
      [4, 0, 'failed'],
      [5, 1, 'succeeded'],
    ]);
    await h.recordHistory('fallback', run.id);
  });

  it('fails the node when every fallback fails too', async () => {
    const run = await h.run(
      definition('fallback-spent', [{ ...agentNode('x', { failAlways: true }, { retry: { maxAttempts: 1 } }), fallback: [{ mock: { failAlways: true, error: { type: 'Last' } } }] }]),
    );
    expect(run.nodes.x).toMatchObject({ status: 'failed', attempts: 2, error: { type: 'Last' } });
  });
});

describe('onFailure', () => {
  it('skip: the node is skipped (onFailure) and degraded, dependents skip, the run succeeds degraded', async () => {
    const run = await h.run(
      definition('skip', [
        agentNode('optional', { failAlways: true }, { onFailure: 'skip', retry: { maxAttempts: 1 } }),
        { id: 'uses', type: 'transform', needs: ['optional'], output: 'x' },
      ]),
    );
    expect(run).toMatchObject({ status: 'succeeded', degraded: true });
    expect(run.nodes.optional).toMatchObject({ status: 'skipped', skippedReason: 'onFailure', degraded: true, error: { type: 'MockFailure' } });
    expect(run.nodes.uses).toMatchObject({ status: 'skipped', skippedReason: 'upstream' });
  });

  it('continue: the node fails, the run goes on and succeeds', async () => {
    const run = await h.run(
      definition('continue', [
        agentNode('deploy', { failAlways: true }, { onFailure: 'continue', retry: { maxAttempts: 1 } }),
        { id: 'rollback', type: 'transform', needs: ['deploy'], trigger: 'one_failed', output: '{{ nodes.deploy.status }}' },
      ]),
    );
    expect(run).toMatchObject({ status: 'succeeded', degraded: false });
    expect(run.nodes.rollback).toMatchObject({ status: 'succeeded', output: 'failed' });
  });

  it('fail: running nodes are cancelled at once and pending ones become cancelled', async () => {
    const started = Date.now();
    const run = await h.run(
      definition('fail-fast', [
        agentNode('long', { text: 'never', delay: '30s' }),
        agentNode('broken', { failAlways: true, delay: '200ms' }, { retry: { maxAttempts: 1 } }),
        { id: 'later', type: 'transform', needs: ['long'], output: 'x' },
      ]),
    );
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ code: 'NODE_FAILED', node: 'broken' });
    expect(run.nodes.long!.status).toBe('cancelled');
    expect(run.nodes.later!.status).toBe('cancelled');
    await h.recordHistory('fail-fast', run.id);
  });
});

describe('expressions at run time', () => {
  it('a failing or runaway expression fails its node with EXPRESSION_ERROR instead of hanging', async () => {
    const run = await h.run(
      definition('runaway', [
        { id: 'boom', type: 'transform', output: "{{ $error('bad data') }}", onFailure: 'continue' },
        { id: 'forever', type: 'transform', output: '{{ ($f := function($n){ $f($n + 1) }; $f(0)) }}', onFailure: 'continue' },
        { id: 'huge', type: 'transform', output: '{{ $count([1..1000000].($ * 2)) }}', onFailure: 'continue' },
      ]),
    );
    expect(run.status).toBe('succeeded');
    for (const id of ['boom', 'forever', 'huge']) expect(run.nodes[id]).toMatchObject({ status: 'failed', error: { type: 'EXPRESSION_ERROR' } });
    expect(run.nodes.boom!.error!.message).toContain('bad data');
  });
});

describe('run output, defaults and records', () => {
  it('defaults to the outputs of succeeded sinks; `outputs` templates replace that', async () => {
    const sinks = await h.run(definition('sinks', [agentNode('a', { text: 'A' }), { id: 'b', type: 'transform', needs: ['a'], output: '{{ nodes.a.output.text }}!' }, { id: 'c', type: 'transform', output: 3 }]));
    expect(sinks.output).toEqual({ b: 'A!', c: 3 });
    const shaped = await h.run(
      definition('outputs', [{ id: 'a', type: 'transform', output: { n: 2 } }], { outputs: { doubled: '{{ nodes.a.output.n * 2 }}', run: '{{ run.workflow }}' } }),
    );
    expect(shaped.output).toEqual({ doubled: 4, run: 'outputs' });
  });

  it('merges defaults into nodes and sums node costs into the run cost', async () => {
    const run = await h.run(
      definition('defaults', [{ id: 'a', type: 'agent', agent: { prompt: 'p', mock: { text: 'x', costUsd: 0.25 } } }, { id: 'b', type: 'agent', agent: { prompt: 'q', mock: { text: 'y', failTimes: 1 } } }], {
        defaults: { agent: { provider: 'offline', model: 'house-model' }, retry: { maxAttempts: 2, initialInterval: '10ms' } },
      }),
    );
    expect(run.nodes.a!.output).toMatchObject({ provider: 'offline', model: 'house-model', costUsd: 0.25 });
    expect(run.nodes.b).toMatchObject({ status: 'succeeded', attempts: 2 });
    const bCost = run.nodes.b!.costUsd!;
    expect(bCost).toBeCloseTo((Math.ceil(1 / 4) + Math.ceil(1 / 4)) / 1_000_000, 12);
    expect(run.costUsd).toBeCloseTo(0.25 + bCost, 12);
  });

  it('records in-workflow nodes once the run ends, one row per node', async () => {
    const run = await h.run(definition('records', [{ id: 't', type: 'transform', output: { v: 1 } }, agentNode('a', { text: 'x' })]));
    const rows = await h.repos.nodeExecutions.list(run.id);
    expect(rows.map((r) => [r.nodeId, r.attempt, r.status])).toEqual([
      ['a', 1, 'succeeded'],
      ['t', 1, 'succeeded'],
    ]);
    expect(rows.find((r) => r.nodeId === 't')!.output).toEqual({ v: 1 });
  });
});

describe('live state, cancel and search attributes', () => {
  it('shows a running node live, cancels the run through the API, and stores the outcome', async () => {
    const id = await h.startRun(definition('cancel-me', [agentNode('long', { text: 'x', delay: '60s' }), { id: 'after', type: 'transform', needs: ['long'], output: 1 }]));
    // The run is live until cancelled; its state comes from the workflow's query.
    const live = await waitFor(async () => {
      const body = (await h.api('GET', `/api/v1/runs/${id}`)).body;
      return body.nodes.long.status === 'running' ? body : undefined;
    }, 'the long node to run');
    expect(live.status).toBe('running');
    const cancel = await h.api('POST', `/api/v1/runs/${id}/cancel`);
    expect(cancel.status).toBe(202);
    const run = await h.finished(id);
    expect(run).toMatchObject({ status: 'cancelled', error: { code: 'CANCELLED' } });
    expect(run.nodes.long!.status).toBe('cancelled');
    expect(run.nodes.after!.status).toBe('cancelled');
    const description = await h.handle(id).describe();
    expect(description.status.name).toBe('CANCELLED');
    const again = await h.api('POST', `/api/v1/runs/${id}/cancel`);
    expect(again.status).toBe(409);
    await h.recordHistory('cancelled', id);
  });

  it('tags runs with WeftWorkflow and WeftStatus for the Web UI', async () => {
    const run = await h.run(definition('tagged', [{ id: 'a', type: 'transform', output: 1 }]));
    const description = await h.handle(run.id).describe();
    expect(description.typedSearchAttributes.get({ name: 'WeftWorkflow', type: 'KEYWORD' })).toBe('tagged');
    expect(description.typedSearchAttributes.get({ name: 'WeftStatus', type: 'KEYWORD' })).toBe('succeeded');
  });
});
