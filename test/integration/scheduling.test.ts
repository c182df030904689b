import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentNode, createHarness, definition, type Harness } from '../support/harness.js';

/** Contract 3.2: readiness, trigger rules, `when`, definition order and `maxParallel`. */
let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
});

const fail = (id: string, extra: Record<string, unknown> = {}) =>
  agentNode(id, { failAlways: true, error: { type: 'Boom', message: `${id} broke` } }, { retry: { maxAttempts: 1 }, onFailure: 'continue', ...extra });
const ok = (id: string, extra: Record<string, unknown> = {}) => agentNode(id, { text: id }, extra);
const probe = (id: string, needs: string[], trigger?: string) => ({ id, type: 'transform', needs, ...(trigger ? { trigger } : {}), output: id });

describe('trigger rules', () => {
  it('none_failed runs when no need failed and one succeeded; skips when a need failed or all were skipped', async () => {
    const run = await h.run(
      definition('none-failed', [
        ok('good'),
        fail('bad'),
        { id: 'off', type: 'transform', when: 'false', output: 'x' },
        probe('after_good', ['good']),
        probe('after_bad', ['good', 'bad']),
        probe('after_skipped', ['off']),
        probe('after_good_and_skipped', ['good', 'off']),
        probe('root', []),
      ]),
    );
    expect(run.status).toBe('succeeded');
    expect(run.nodes.after_good!.status).toBe('succeeded');
    expect(run.nodes.after_bad).toMatchObject({ status: 'skipped', skippedReason: 'upstream' });
    expect(run.nodes.after_skipped).toMatchObject({ status: 'skipped', skippedReason: 'upstream' });
    expect(run.nodes.after_good_and_skipped!.status).toBe('succeeded');
    expect(run.nodes.root!.status).toBe('succeeded');
    await h.recordHistory('trigger-none-failed', run.id);
  });

  it('all_succeeded runs only when every need succeeded', async () => {
    const run = await h.run(
      definition('all-succeeded', [
        ok('a'),
        ok('b'),
        { id: 'off', type: 'transform', when: 'false', output: 'x' },
        probe('both', ['a', 'b'], 'all_succeeded'),
        probe('with_skipped', ['a', 'off'], 'all_succeeded'),
      ]),
    );
    expect(run.nodes.both!.status).toBe('succeeded');
    expect(run.nodes.with_skipped).toMatchObject({ status: 'skipped', skippedReason: 'upstream' });
  });

  it('all_done runs once all needs are terminal, whatever their state', async () => {
    const run = await h.run(definition('all-done', [ok('a'), fail('b'), probe('finally', ['a', 'b'], 'all_done')]));
    expect(run.nodes.b!.status).toBe('failed');
    expect(run.nodes.finally!.status).toBe('succeeded');
    expect(run.status).toBe('succeeded');
  });

  it('one_succeeded runs as soon as one need succeeded, before the others end', async () => {
    const run = await h.run(
      definition('one-succeeded', [
        ok('fast'),
        agentNode('slow', { text: 'slow', delay: '2s' }),
        { ...probe('first', ['fast', 'slow'], 'one_succeeded'), output: '{{ nodes.slow.status }}' },
        probe('none', ['never'], 'one_succeeded'),
        fail('never'),
      ]),
    );
    // `first` saw `slow` still running: it did not wait for all needs.
    expect(run.nodes.first).toMatchObject({ status: 'succeeded', output: 'running' });
    expect(Date.parse(run.nodes.first!.endedAt!)).toBeLessThan(Date.parse(run.nodes.slow!.endedAt!));
    expect(run.nodes.none).toMatchObject({ status: 'skipped', skippedReason: 'upstream' });
    await h.recordHistory('trigger-one-succeeded', run.id);
  });

  it('one_failed runs as soon as one need failed, and is skipped when none failed', async () => {
    const run = await h.run(
      definition('one-failed', [
        fail('broken'),
        agentNode('slow', { text: 'slow', delay: '2s' }),
        ok('fine'),
        { ...probe('handler', ['broken', 'slow'], 'one_failed'), output: '{{ nodes.slow.status }}' },
        probe('unneeded', ['fine'], 'one_failed'),
      ]),
    );
    expect(run.nodes.handler).toMatchObject({ status: 'succeeded', output: 'running' });
    expect(run.nodes.unneeded).toMatchObject({ status: 'skipped', skippedReason: 'upstream' });
  });

  it('skips cascade through chains of dependents', async () => {
    const run = await h.run(definition('cascade', [fail('root'), probe('a', ['root']), probe('b', ['a']), probe('c', ['b'])]));
    for (const id of ['a', 'b', 'c']) expect(run.nodes[id]).toMatchObject({ status: 'skipped', skippedReason: 'upstream' });
  });
});

describe('when', () => {
  it('is evaluated once the trigger holds and sees upstream outputs; false skips with reason condition', async () => {
    const run = await h.run(
      definition('when', [
        agentNode('score', { json: { value: 7 } }, { agent: { provider: 'offline', prompt: 'p', output: 'json', mock: { json: { value: 7 } } } }),
        { id: 'high', type: 'transform', needs: ['score'], when: 'nodes.score.output.json.value > 5', output: 'high' },
        { id: 'low', type: 'transform', needs: ['score'], when: 'nodes.score.output.json.value <= 5', output: 'low' },
        { id: 'by_input', type: 'transform', when: 'input.flag', output: 'flagged' },
      ]),
      { flag: true },
    );
    expect(run.nodes.high!.status).toBe('succeeded');
    expect(run.nodes.low).toMatchObject({ status: 'skipped', skippedReason: 'condition' });
    expect(run.nodes.by_input!.status).toBe('succeeded');
    await h.recordHistory('when-condition', run.id);
  });

  it('a failing when fails its node with EXPRESSION_ERROR', async () => {
    const run = await h.run(definition('when-error', [{ id: 'x', type: 'transform', when: "$error('nope')", output: 1 }]));
    expect(run.status).toBe('failed');
    expect(run.nodes.x!.error).toMatchObject({ type: 'EXPRESSION_ERROR' });
  });
});

describe('parallelism and order', () => {
  it('never runs more than limits.maxParallel nodes at once', async () => {
    const nodes = ['a', 'b', 'c', 'd', 'e', 'f'].map((id) => agentNode(id, { text: id, delay: '300ms' }));
    const run = await h.run(definition('max-parallel', nodes, { limits: { maxParallel: 2 } }));
    expect(run.status).toBe('succeeded');
    const intervals = Object.values(run.nodes).map((n) => [Date.parse(n.startedAt!), Date.parse(n.endedAt!)] as const);
    const peak = Math.max(...intervals.map(([start]) => intervals.filter(([s, e]) => s <= start && start < e).length));
    expect(peak).toBe(2);
    await h.recordHistory('max-parallel', run.id);
  });

  it('starts ready nodes in definition order', async () => {
    const ids = ['n4', 'n2', 'n9', 'n1', 'n7'];
    // One at a time, each an activity: every node starts in a later workflow task than the one before.
    const run = await h.run(definition('order', ids.map((id) => agentNode(id, { text: id })), { limits: { maxParallel: 1 } }));
    const starts = ids.map((id) => Date.parse(run.nodes[id]!.startedAt!));
    expect(new Set(starts).size).toBe(ids.length);
    expect([...ids].sort((x, y) => Date.parse(run.nodes[x]!.startedAt!) - Date.parse(run.nodes[y]!.startedAt!))).toEqual(ids);
  });
});
