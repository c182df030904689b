import { describe, expect, it } from 'vitest';
import { chunkBySize } from '../../src/dag/chunks.js';
import { outputReaders } from '../../src/dag/output-readers.js';
import { compilePlan } from '../../src/dag/plan.js';
import { readsDynamically } from '../../src/dag/references.js';
import { assembleNodes, decodeStatuses, encodeStatuses, pendingRecord, type NodeStatus } from '../../src/dag/run-state.js';
import { Scheduler } from '../../src/dag/scheduler.js';
import type { Definition } from '../../src/dag/schema.js';

/** The pure parts of continuing a run as new: what is carried, and how the next execution picks up. */
const def = (nodes: unknown[], extra: object = {}): Definition => ({ apiVersion: 'weft/v1', name: 'x', nodes, ...extra }) as Definition;
const t = (id: string, needs: string[] = [], output: unknown = id) => ({ id, type: 'transform', needs, output });

describe('dynamic reads of nodes', () => {
  it.each([
    ['nodes.a.output', false],
    ['nodes.a[0].output', false],
    ['$.nodes.a.output', false],
    ['input.nodes', false],
    ['nodes', true],
    ['$keys(nodes)', true],
    ['nodes[0]', true],
    ['nodes.*.output', true],
    ['$lookup(nodes, "a")', true],
  ])('%s: %s', (source, dynamic) => expect(readsDynamically(source, 'nodes')).toBe(dynamic));
});

describe('output readers', () => {
  it('finds who reads each output, nested scopes and bare expressions included', () => {
    const definition = def([
      t('a'),
      t('b', ['a'], '{{ nodes.a.output }}'),
      { id: 'c', type: 'transform', needs: ['a', 'b'], when: 'nodes.b.output = "x"', output: 'c' },
      { id: 'l', type: 'loop', needs: ['a'], maxIterations: 2, until: 'true', nodes: [t('inner', [], '{{ nodes.a.output }}')] },
      { id: 'm', type: 'map', needs: ['b'], items: 'nodes.b.output', node: { type: 'transform', output: '{{ item }}' } },
    ]);
    const { readers, dynamic, forOutput } = outputReaders(definition, compilePlan(definition).sinks);
    expect(readers.get('a')).toEqual(['b', 'l']);
    expect(readers.get('b')).toEqual(['c', 'm']);
    expect(dynamic).toEqual([]);
    expect([...forOutput!]).toEqual(['c', 'l', 'm']);
  });

  it('marks dynamic readers, and an outputs template decides what the run output reads', () => {
    const definition = def([t('a'), t('b', ['a'], '{{ $count($keys(nodes)) }}')], { outputs: { x: '{{ nodes.a.output }}' } });
    const { dynamic, forOutput } = outputReaders(definition, ['b']);
    expect(dynamic).toEqual(['b']);
    expect([...forOutput!]).toEqual(['a']);
    expect(outputReaders(def([t('a')], { outputs: '{{ nodes }}' }), ['a']).forOutput).toBeNull();
  });
});

describe('carried statuses', () => {
  it('round-trip one character per node', () => {
    const statuses: NodeStatus[] = ['pending', 'running', 'waiting', 'succeeded', 'failed', 'skipped', 'cancelled'];
    expect(encodeStatuses(statuses)).toHaveLength(7);
    expect(decodeStatuses(encodeStatuses(statuses))).toEqual(statuses);
    expect(() => decodeStatuses('sx')).toThrow(/unknown node status/);
  });

  it('restore a scheduler to where the last execution left it', () => {
    const plan = compilePlan(def([t('a'), t('b', ['a']), t('c', ['a']), t('d', ['b', 'c']), { ...t('e', ['c']), trigger: 'one_failed' }]));
    const fresh = new Scheduler(plan.nodes);
    fresh.start();
    expect(fresh.takeReady()).toBe('a');
    fresh.settle('a', 'succeeded');
    expect(fresh.takeReady()).toBe('b');
    fresh.settle('b', 'succeeded');

    const restored = new Scheduler(plan.nodes);
    restored.restore([
      ['a', 'succeeded'],
      ['b', 'succeeded'],
    ]);
    expect(restored.start()).toEqual([]);
    // c was ready and never started: it is ready again; d waits for it.
    expect(restored.takeReady()).toBe('c');
    expect(restored.takeReady()).toBeUndefined();
    expect(restored.settle('c', 'succeeded')).toEqual(['e']);
    expect(restored.takeReady()).toBe('d');
  });
});

describe('chunks by size', () => {
  it('fill each chunk up to the limit, in order; an oversized item goes alone', () => {
    expect(chunkBySize([3, 3, 3, 1, 9, 2], (n) => n, 6)).toEqual([[3, 3], [3, 1], [9], [2]]);
    expect(chunkBySize([], (n: number) => n, 6)).toEqual([]);
  });
});

describe('assembling a run', () => {
  it('puts live records over stored ones, in definition order, pending for the rest', () => {
    const done = { ...pendingRecord(), status: 'succeeded' as const, output: 1 };
    const running = { ...pendingRecord(), status: 'running' as const };
    const nodes = assembleNodes(['a', 'b', 'c'], new Map([['a', done]]), { b: running });
    expect(Object.keys(nodes)).toEqual(['a', 'b', 'c']);
    expect(nodes.a).toEqual(done);
    expect(nodes.b).toEqual(running);
    expect(nodes.c).toEqual(pendingRecord());
    expect(Object.keys(assembleNodes([], new Map([['a', done]]), { b: running }))).toEqual(['a', 'b']);
  });
});
