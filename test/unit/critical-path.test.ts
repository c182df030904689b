import { describe, expect, it } from 'vitest';
import { criticalPath, type NodeTimes } from '../../src/dag/critical-path.js';
import { compilePlan } from '../../src/dag/plan.js';
import type { Definition } from '../../src/dag/schema.js';

const T0 = Date.parse('2026-12-06T00:00:00.000Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
const span = (from: number, to: number): NodeTimes => ({ startedAt: at(from), endedAt: at(to) });
const plan = (nodes: unknown[]) => compilePlan({ apiVersion: 'weft/v1', name: 'p', nodes } as unknown as Definition);
const ids = (path: { id: string }[]) => path.map((n) => n.id);

/** Node times that count their lookups: the work a path costs. */
class CountingTimes extends Map<string, NodeTimes> {
  lookups = 0;
  override get(key: string): NodeTimes | undefined {
    this.lookups++;
    return super.get(key);
  }
}

describe('criticalPath', () => {
  it('walks back from the node that ended last through the need that ended last, with durations and waits', () => {
    const p = plan([
      { id: 'a', type: 'transform', output: '1' },
      { id: 'b', type: 'transform', output: '1', needs: ['a'] },
      { id: 'c', type: 'transform', output: '1', needs: ['a'] },
      { id: 'd', type: 'transform', output: '1', needs: ['b', 'c'] },
    ]);
    const times = new Map([
      ['a', span(0, 1)],
      ['b', span(1, 5)],
      ['c', span(3, 2 + 2)],
      ['d', span(6, 7)],
    ]);
    const path = criticalPath(p, times, at(0));
    expect(ids(path)).toEqual(['a', 'b', 'd']);
    expect(path[1]).toEqual({ id: 'b', startedAt: at(1), endedAt: at(5), durationMs: 4000, waitedMs: 0 });
    expect(path[2]!.waitedMs).toBe(1000);
  });

  it('on a tie at the end instant, goes through the node that fed a dependent ending then too (a switch and its branch)', () => {
    const p = plan([
      { id: 'a', type: 'transform', output: '1' },
      { id: 's', type: 'switch', needs: ['a'], on: '"x"', cases: { x: ['t'] } },
      { id: 't', type: 'transform', output: '1' },
    ]);
    const times = new Map([
      ['a', span(0, 2)],
      ['s', span(2, 2)],
      ['t', span(2, 2)],
    ]);
    expect(ids(criticalPath(p, times, at(0)))).toEqual(['a', 's', 't']);
  });

  it('skips nodes with no record or no end, and answers nothing for a run that ended no node', () => {
    const p = plan([
      { id: 'a', type: 'transform', output: '1' },
      { id: 'b', type: 'transform', output: '1', needs: ['a'] },
    ]);
    expect(criticalPath(p, new Map([['b', span(0, 1)]]), at(0))).toEqual([{ id: 'b', startedAt: at(0), endedAt: at(1), durationMs: 1000, waitedMs: 0 }]);
    expect(criticalPath(p, new Map([['a', { startedAt: at(0), endedAt: null }]]), at(0))).toEqual([]);
  });

  it('costs lookups linear in the nodes of a chain and of a wide fan-in (the SQL walk scanned every edge per step)', () => {
    const perNode = (n: number, shape: 'chain' | 'fan') => {
      const nodes = Array.from({ length: n }, (_, i) => ({ id: `n${i}`, type: 'transform', output: '1', ...(i === 0 ? {} : { needs: [shape === 'chain' ? `n${i - 1}` : 'n0'] }) }));
      if (shape === 'fan') nodes.push({ id: 'join', type: 'transform', output: '1', needs: nodes.slice(1).map((x) => x.id) });
      const times = new CountingTimes(nodes.map((x, i) => [x.id, span(i, i + 1)]));
      const path = criticalPath(plan(nodes), times, at(0));
      expect(path.length).toBe(shape === 'chain' ? n : 3);
      return times.lookups / n;
    };
    for (const shape of ['chain', 'fan'] as const) {
      const small = perNode(1_000, shape);
      const large = perNode(4_000, shape);
      expect(large).toBeLessThan(20);
      expect(large / small).toBeLessThan(1.5);
    }
  });
});
