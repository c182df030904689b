import { describe, expect, it } from 'vitest';
import { compilePlan } from '../../src/dag/plan.js';
import { Scheduler, triggerVerdict, type NeedCounts } from '../../src/dag/scheduler.js';
import type { Definition } from '../../src/dag/schema.js';

const counts = (total: number, terminal: number, succeeded: number, failed: number): NeedCounts => ({ total, terminal, succeeded, failed });

describe('trigger rules (contract 3.2)', () => {
  it.each([
    ['none_failed', counts(0, 0, 0, 0), 'run'],
    ['none_failed', counts(2, 1, 1, 0), 'wait'],
    ['none_failed', counts(2, 2, 1, 0), 'run'],
    ['none_failed', counts(2, 2, 1, 1), 'skip'],
    ['none_failed', counts(2, 2, 0, 0), 'skip'],
    ['all_succeeded', counts(2, 2, 2, 0), 'run'],
    ['all_succeeded', counts(2, 2, 1, 0), 'skip'],
    ['all_succeeded', counts(2, 1, 1, 0), 'wait'],
    ['all_done', counts(2, 1, 0, 1), 'wait'],
    ['all_done', counts(2, 2, 0, 2), 'run'],
    ['one_succeeded', counts(3, 1, 1, 0), 'run'],
    ['one_succeeded', counts(3, 2, 0, 2), 'wait'],
    ['one_succeeded', counts(3, 3, 0, 2), 'skip'],
    ['one_failed', counts(3, 1, 0, 1), 'run'],
    ['one_failed', counts(3, 2, 2, 0), 'wait'],
    ['one_failed', counts(3, 3, 3, 0), 'skip'],
  ] as const)('%s with %o: %s', (rule, c, verdict) => expect(triggerVerdict(rule, c)).toBe(verdict));
});

const def = (nodes: unknown[]): Definition => ({ apiVersion: 'weft/v1', name: 'x', nodes }) as Definition;
const t = (id: string, needs: string[] = [], trigger?: string) => ({ id, type: 'transform', needs, ...(trigger ? { trigger } : {}), output: id });

describe('Scheduler', () => {
  it('queues ready nodes in definition order, whatever order they became ready in', () => {
    const s = new Scheduler(compilePlan(def([t('root'), t('c', ['root']), t('a', ['root']), t('b', ['root'])])).nodes);
    expect(s.start()).toEqual([]);
    expect(s.takeReady()).toBe('root');
    expect(s.takeReady()).toBeUndefined();
    s.settle('root', 'succeeded');
    expect([s.takeReady(), s.takeReady(), s.takeReady()]).toEqual(['c', 'a', 'b']);
  });

  it('cascades upstream skips and decides each node once', () => {
    const s = new Scheduler(compilePlan(def([t('a'), t('b', ['a']), t('c', ['b']), t('h', ['a', 'c'], 'all_done')])).nodes);
    s.start();
    s.takeReady();
    expect(s.settle('a', 'failed')).toEqual(['b', 'c']);
    expect(s.takeReady()).toBe('h');
    expect(s.settle('h', 'succeeded')).toEqual([]);
    expect(s.readyCount).toBe(0);
  });

  it('treats switch branches as needing the switch', () => {
    const plan = compilePlan(def([{ id: 'sw', type: 'switch', value: "'x'", cases: { x: ['left'] }, default: ['right'] }, t('left'), t('right')]));
    expect(plan.byId.get('left')!.needs).toEqual(['sw']);
    expect(plan.byId.get('right')!.needs).toEqual(['sw']);
    expect(plan.sinks).toEqual(['left', 'right']);
  });

  it('settles a 10,000-node chain in linear time', () => {
    const nodes = Array.from({ length: 10_000 }, (_, i) => t(`n${i}`, i === 0 ? [] : [`n${i - 1}`]));
    const s = new Scheduler(compilePlan(def(nodes)).nodes);
    s.start();
    let ran = 0;
    for (let id = s.takeReady(); id !== undefined; id = s.takeReady()) {
      ran += 1;
      s.settle(id, 'succeeded');
    }
    expect(ran).toBe(10_000);
  });
});
