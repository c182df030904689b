import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importDesigner } from '../../src/dag/import-designer.js';
import { agentNode, createHarness, definition, type Harness } from '../support/harness.js';

/** loop, map and workflow nodes: child scopes and child runs. */
let h: Harness;
beforeAll(async () => {
  h = await createHarness();
  await h.api('POST', '/api/v1/workflows', definition('double', [{ id: 'a', type: 'transform', output: '{{ input.n * 2 }}' }]));
  await h.api('POST', '/api/v1/workflows', definition('double', [{ id: 'a', type: 'transform', output: '{{ input.n * 3 }}' }]));
  await h.api('POST', '/api/v1/workflows', definition('explode', [agentNode('boom', { failAlways: true, error: { type: 'Kaput', message: 'child broke' } }, { retry: { maxAttempts: 1 } })]));
});
afterAll(async () => {
  await h?.close();
});

describe('loop', () => {
  it('sees its ancestors, iteration and previous, stops when until holds, and sums its cost', async () => {
    const run = await h.run(
      definition('looping', [
        { id: 'seed', type: 'transform', output: 'x' },
        {
          id: 'grow',
          type: 'loop',
          needs: ['seed'],
          maxIterations: 10,
          until: 'nodes.check.output >= 4',
          nodes: [
            agentNode('step', { text: "{{ previous ? previous.step.output.text : nodes.seed.output }}+{{ iteration }}", costUsd: 0.5 }),
            { id: 'check', type: 'transform', needs: ['step'], output: '{{ $length(nodes.step.output.text) / 2 }}' },
          ],
        },
      ]),
    );
    expect(run.status).toBe('succeeded');
    expect(run.nodes.grow).toMatchObject({ status: 'succeeded', costUsd: 2, output: { iterations: 4, nodes: { step: { text: 'x+1+2+3+4' }, check: 4.5 } } });
    expect(run.costUsd).toBe(2);
    await h.recordHistory('loop', run.id);
    await h.recordHistory('loop-iteration', `${run.id}.grow.2`);
  });

  it('fails at maxIterations unless onLimit succeed; a failing body fails the loop', async () => {
    const body = [{ id: 'b', type: 'transform', output: '{{ iteration }}' }];
    const run = await h.run(
      definition('loop-limits', [
        { id: 'strict', type: 'loop', maxIterations: 2, until: 'false', nodes: body, onFailure: 'continue' },
        { id: 'lenient', type: 'loop', maxIterations: 2, until: 'false', nodes: body, onLimit: 'succeed' },
        { id: 'broken', type: 'loop', maxIterations: 3, until: 'false', onFailure: 'continue', nodes: [agentNode('x', { failAlways: true }, { retry: { maxAttempts: 1 } })] },
      ]),
    );
    expect(run.nodes.strict).toMatchObject({ status: 'failed', error: { type: 'LOOP_LIMIT' } });
    expect(run.nodes.lenient).toMatchObject({ status: 'succeeded', output: { iterations: 2, nodes: { b: 2 } } });
    expect(run.nodes.broken).toMatchObject({ status: 'failed', error: { type: 'LOOP_ITERATION_FAILED' } });
  });
});

describe('map', () => {
  it('runs an inline node per item across batches, in item order, within maxParallel', async () => {
    const items = Array.from({ length: 230 }, (_, i) => `f${i}`);
    const run = await h.run(
      definition('mapping', [
        { id: 'prefix', type: 'transform', output: 'p' },
        { id: 'each', type: 'map', needs: ['prefix'], items: 'input.items', maxParallel: 40, node: { type: 'transform', output: '{{ nodes.prefix.output }}{{ index }}:{{ item }}' } },
        { id: 'count', type: 'transform', needs: ['each'], output: '{{ $count(nodes.each.output) }}' },
      ]),
      { items },
    );
    expect(run.status).toBe('succeeded');
    expect(run.nodes.each!.output).toEqual(items.map((item, i) => `p${i}:${item}`));
    expect(run.nodes.count!.output).toBe(230);
    await h.recordHistory('map', run.id);
    await h.recordHistory('map-batch', `${run.id}.each.1`);
  });

  it('tolerates up to tolerateFailures failed items as null, and fails beyond', async () => {
    const node = { type: 'agent', retry: { maxAttempts: 1 }, agent: { provider: 'offline', prompt: 'p', mock: { text: '{{ item }}', failAlways: '{{ item % 3 = 0 }}' } } };
    const run = await h.run(
      definition('tolerant', [
        { id: 'ok', type: 'map', items: '[1, 2, 3, 4, 5]', tolerateFailures: 1, node },
        { id: 'too_many', type: 'map', items: '[3, 6, 7]', tolerateFailures: 1, node, onFailure: 'continue' },
        { id: 'none', type: 'map', items: '[]', node },
      ]),
    );
    expect(run.nodes.ok!.error).toBeNull();
    expect((run.nodes.ok!.output as unknown[]).map((o) => (o === null ? null : (o as { text: string }).text))).toEqual(['1', '2', null, '4', '5']);
    expect(run.nodes.too_many).toMatchObject({ status: 'failed', error: { type: 'MAP_ITEMS_FAILED', message: expect.stringContaining('2 of 3 items failed') } });
    expect(run.nodes.none).toMatchObject({ status: 'succeeded', output: [] });
  });

  it('runs a stored workflow per item', async () => {
    const run = await h.run(definition('map-workflow', [{ id: 'each', type: 'map', items: '[1, 2, 3]', workflow: 'double@1', input: { n: '{{ item }}' } }]));
    expect(run.nodes.each).toMatchObject({ status: 'succeeded', output: [{ a: 2 }, { a: 4 }, { a: 6 }] });
  });
});

describe('workflow node', () => {
  it('runs a stored workflow (latest or pinned version) as a child run and takes its output', async () => {
    const run = await h.run(
      definition('parent', [
        { id: 'latest', type: 'workflow', workflow: 'double', input: { n: '{{ input.n }}' } },
        { id: 'pinned', type: 'workflow', workflow: 'double@1', input: { n: 5 } },
        { id: 'bad', type: 'workflow', workflow: 'explode', onFailure: 'continue' },
      ]),
      { n: 7 },
    );
    expect(run.nodes.latest).toMatchObject({ status: 'succeeded', output: { a: 21 } });
    expect(run.nodes.pinned).toMatchObject({ status: 'succeeded', output: { a: 10 } });
    expect(run.nodes.bad).toMatchObject({ status: 'failed', error: { type: 'CHILD_RUN_FAILED', message: expect.stringContaining('child broke') } });
    const child = await h.api('GET', `/api/v1/runs/${run.id}.latest`);
    expect(child.body).toMatchObject({ workflow: 'double', version: 2, status: 'succeeded' });
    await h.recordHistory('workflow-node', run.id);
  });
});

describe('imported designer workflows', () => {
  it('run as imported, the offline decision taking its first choice', async () => {
    const doc = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'designer', 'release.json'), 'utf8'));
    const run = await h.run(importDesigner(doc, { provider: 'offline' }).definition);
    expect(run.status).toBe('succeeded');
    expect(run.nodes.review_route).toMatchObject({ output: { selected: 'approved' } });
    expect(run.nodes.deploy!.status).toBe('succeeded');
    expect(run.nodes.fix).toMatchObject({ status: 'skipped', skippedReason: 'branch' });
  });
});
