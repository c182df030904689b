import { describe, expect, it } from 'vitest';
import { rerunReuse } from '../../src/api/rerun-plan.js';
import { compilePlan } from '../../src/dag/plan.js';
import { pendingRecord, type NodeRecord, type NodeStatus } from '../../src/dag/run-state.js';
import type { Definition } from '../../src/dag/schema.js';

const t = (id: string, needs: string[] = []) => ({ id, type: 'transform', output: id, ...(needs.length ? { needs } : {}) });
// a → b → c, a → d, e alone
const plan = compilePlan({ apiVersion: 'weft/v1', name: 'p', nodes: [t('a'), t('b', ['a']), t('c', ['b']), t('d', ['a']), t('e')] } as Definition);
const records = (statuses: Record<string, NodeStatus>) => new Map<string, NodeRecord>(Object.entries(statuses).map(([id, status]) => [id, { ...pendingRecord(), status, output: `out-${id}` }]));

describe('rerunReuse (weft-ops §6)', () => {
  it('with failed, runs every node that did not succeed and its descendants again, and keeps the other successes', () => {
    const reuse = rerunReuse(plan, records({ a: 'succeeded', b: 'failed', c: 'cancelled', d: 'succeeded', e: 'succeeded' }), 'failed', 'run_src');
    expect(reuse).toEqual({ from: 'run_src', outputs: { a: 'out-a', d: 'out-d', e: 'out-e' } });
  });

  it('with a node id, runs that node and its descendants again even when they succeeded', () => {
    const reuse = rerunReuse(plan, records({ a: 'succeeded', b: 'succeeded', c: 'succeeded', d: 'succeeded', e: 'succeeded' }), 'b', 'run_src');
    expect(Object.keys(reuse.outputs).sort()).toEqual(['a', 'd', 'e']);
  });

  it('keeps nothing of a node that has no stored record', () => {
    expect(rerunReuse(plan, records({ a: 'succeeded' }), 'failed', 'r').outputs).toEqual({ a: 'out-a' });
  });
});
