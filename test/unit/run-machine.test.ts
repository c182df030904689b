import { describe, expect, it } from 'vitest';
import { cancelled, conditionFalse, failed, succeeded, type NodeOutcome } from '../../src/dag/outcome.js';
import { compilePlan } from '../../src/dag/plan.js';
import { RunMachine } from '../../src/dag/run-machine.js';
import { decodeStatuses, type NodeStatus, type RunCarry, type RunReuse } from '../../src/dag/run-state.js';
import type { Definition } from '../../src/dag/schema.js';

/**
 * The run-state machine without a server (contract 3.1–3.3 and 3.6): each case
 * is a definition, the outcomes fed in the order nodes are taken, and the
 * statuses, reasons and run result that must follow.
 */
const def = (nodes: unknown[], extra: object = {}): Definition => ({ apiVersion: 'weft/v1', name: 'wf', nodes, ...extra }) as Definition;
const t = (id: string, needs: string[] = [], more: object = {}) => ({ id, type: 'transform', needs, output: id, ...more });
const a = (id: string, needs: string[] = [], more: object = {}) => ({ id, type: 'agent', needs, agent: { provider: 'offline', prompt: 'x' }, ...more });

function machine(definition: Definition, options: { carry?: RunCarry; reuse?: RunReuse } = {}) {
  let clock = Date.parse('2026-01-01T00:00:00Z');
  return new RunMachine({
    plan: compilePlan(definition),
    definition,
    identity: { id: 'run_1', workflow: definition.name, version: 3 },
    input: { topic: 'x' },
    carry: options.carry,
    reuse: options.reuse,
    startedAt: new Date(clock),
    now: () => new Date((clock += 1000)),
  });
}

/** Takes ready nodes one at a time and settles each with its scripted outcome (default: succeeded with its id). */
function drive(m: RunMachine, script: Record<string, NodeOutcome> = {}): string[] {
  const order: string[] = [];
  m.start();
  for (let node = m.take(); node; node = m.take()) {
    order.push(node.id);
    m.begin(node.id);
    m.settle(node, script[node.id] ?? succeeded(node.id));
  }
  m.finish();
  return order;
}

const statuses = (m: RunMachine) => Object.fromEntries(m.plan.nodes.map((n) => [n.id, m.record(n.id).status]));
const reasons = (m: RunMachine) => Object.fromEntries(m.plan.nodes.filter((n) => m.record(n.id).skippedReason).map((n) => [n.id, m.record(n.id).skippedReason]));
const boom = failed({ type: 'X', message: 'boom' });

describe('scheduling and trigger rules (3.2)', () => {
  it.each<[string, unknown[], Record<string, NodeOutcome>, Record<string, NodeStatus>, Record<string, string>]>([
    ['a chain runs in order', [t('a'), t('b', ['a']), t('c', ['b'])], {}, { a: 'succeeded', b: 'succeeded', c: 'succeeded' }, {}],
    ['none_failed skips below a failed need (continue)', [t('a', [], { onFailure: 'continue' }), t('b', ['a'])], { a: boom }, { a: 'failed', b: 'skipped' }, { b: 'upstream' }],
    ['none_failed skips when every need was skipped', [t('a', [], { when: 'false' }), t('b', ['a'])], { a: conditionFalse }, { a: 'skipped', b: 'skipped' }, { a: 'condition', b: 'upstream' }],
    ['all_done runs after a failed need', [t('a', [], { onFailure: 'continue' }), t('h', ['a'], { trigger: 'all_done' })], { a: boom }, { a: 'failed', h: 'succeeded' }, {}],
    ['one_failed runs on a failure', [t('a', [], { onFailure: 'continue' }), t('h', ['a'], { trigger: 'one_failed' })], { a: boom }, { a: 'failed', h: 'succeeded' }, {}],
    ['one_failed skips when nothing failed', [t('a'), t('h', ['a'], { trigger: 'one_failed' })], {}, { a: 'succeeded', h: 'skipped' }, { h: 'upstream' }],
    ['all_succeeded skips below an onFailure skip', [t('a', [], { onFailure: 'skip' }), t('b'), t('c', ['a', 'b'], { trigger: 'all_succeeded' })], { a: boom }, { a: 'skipped', b: 'succeeded', c: 'skipped' }, { a: 'onFailure', c: 'upstream' }],
    ['one_succeeded runs when one need succeeded', [t('a', [], { onFailure: 'continue' }), t('b'), t('c', ['a', 'b'], { trigger: 'one_succeeded' })], { a: boom }, { a: 'failed', b: 'succeeded', c: 'succeeded' }, {}],
  ])('%s', (_name, nodes, script, expected, skipped) => {
    const m = machine(def(nodes));
    drive(m, script);
    expect(statuses(m)).toEqual(expected);
    expect(reasons(m)).toEqual(skipped);
  });

  it('takes ready nodes in definition order', () => {
    const m = machine(def([t('root'), t('c', ['root']), t('a', ['root']), t('b', ['root'])]));
    expect(drive(m)).toEqual(['root', 'c', 'a', 'b']);
  });

  it('skips the branches a switch did not take, and their dependents', () => {
    const m = machine(def([{ id: 'sw', type: 'switch', value: "'x'", cases: { x: ['left'] }, default: ['right'] }, t('left'), t('right'), t('after', ['right'])]));
    drive(m, { sw: succeeded({ selected: 'x' }, { notTaken: ['right'] }) });
    expect(statuses(m)).toEqual({ sw: 'succeeded', left: 'succeeded', right: 'skipped', after: 'skipped' });
    expect(reasons(m)).toEqual({ right: 'branch', after: 'upstream' });
  });
});

describe('failure (3.3)', () => {
  it.each<[string, 'fail' | 'skip' | 'continue', NodeStatus, string, boolean]>([
    ['fail: the node fails and so does the run', 'fail', 'failed', 'failed', false],
    ['skip: the node is skipped, degraded; the run goes on', 'skip', 'skipped', 'succeeded', true],
    ['continue: the node fails; the run goes on', 'continue', 'failed', 'succeeded', false],
  ])('%s', (_name, onFailure, nodeStatus, runStatus, degraded) => {
    const m = machine(def([t('a', [], { onFailure }), t('b')]));
    drive(m, { a: failed({ type: 'X', message: 'boom' }, { attempts: 3 }) });
    expect(m.record('a')).toMatchObject({ status: nodeStatus, attempts: 3, error: { type: 'X', message: 'boom' }, degraded });
    expect(m.record('b').status).toBe(onFailure === 'fail' ? 'cancelled' : 'succeeded');
    expect(m.status).toBe(runStatus);
    expect(m.degraded()).toBe(degraded);
    if (onFailure === 'fail') expect(m.error).toEqual({ code: 'NODE_FAILED', node: 'a', message: 'node a failed: boom' });
  });

  it('fail-fast: settle reports that the run failed, once; running and pending nodes become cancelled and nothing more is taken', () => {
    const m = machine(def([t('a'), t('b'), t('c', ['a'])]));
    m.start();
    const first = m.take()!;
    const second = m.take()!;
    m.begin(first.id);
    m.begin(second.id);
    expect(m.settle(first, boom)).toBe(true);
    expect(m.take()).toBeUndefined();
    expect(m.settle(second, cancelled({ type: 'CANCELLED', message: 'cancelled' }, 1))).toBe(false);
    m.finish();
    expect(statuses(m)).toEqual({ a: 'failed', b: 'cancelled', c: 'cancelled' });
    expect(m.status).toBe('failed');
  });

  it('a fallback that succeeds marks the node and the run degraded', () => {
    const m = machine(def([a('a')]));
    drive(m, { a: succeeded({ text: 'ok' }, { attempts: 4, fallback: 0, costUsd: 0.5 }) });
    expect(m.record('a')).toMatchObject({ status: 'succeeded', attempts: 4, fallback: 0, degraded: true, costUsd: 0.5 });
    expect(m.degraded()).toBe(true);
  });

  it('an error in the run outputs fails a run whose nodes succeeded', () => {
    const m = machine(def([t('a')], { outputs: { x: '{{ $error("nope") }}' } }));
    drive(m);
    expect(m.status).toBe('failed');
    expect(m.error).toMatchObject({ code: 'EXPRESSION_ERROR' });
  });

  it('the run output defaults to every succeeded sink', () => {
    const m = machine(def([t('a'), t('b', ['a']), t('c', [], { onFailure: 'continue' })]));
    drive(m, { c: boom });
    expect(m.output).toEqual({ b: 'b' });
  });
});

describe('cancel, pause, timeout (3.1, 3.4)', () => {
  it('cancel ends the run cancelled; nodes that never ran become cancelled', () => {
    const m = machine(def([t('a'), t('b', ['a'])]));
    m.start();
    m.begin(m.take()!.id);
    m.cancel();
    m.finish();
    expect(m.status).toBe('cancelled');
    expect(m.error).toEqual({ code: 'CANCELLED', message: 'the run was cancelled' });
    expect(statuses(m)).toEqual({ a: 'cancelled', b: 'cancelled' });
  });

  it('pause stops taking nodes; resume goes on', () => {
    const m = machine(def([t('a'), t('b')]));
    m.start();
    expect(m.pause()).toBe(true);
    expect(m.status).toBe('paused');
    expect(m.take()).toBeUndefined();
    expect(m.resume()).toBe(true);
    expect(m.take()?.id).toBe('a');
    expect(m.resume()).toBe(false);
  });

  it('a timeout ends the run timed_out, once', () => {
    const m = machine(def([t('a')], { limits: { timeout: '1m' } }));
    m.start();
    expect(m.timeOut('1m')).toBe(true);
    expect(m.timeOut('1m')).toBe(false);
    m.finish();
    expect(m.status).toBe('timed_out');
    expect(m.error).toMatchObject({ code: 'RUN_TIMEOUT' });
  });
});

describe('cost and budget (3.6)', () => {
  it('sums node costs, failed ones included', () => {
    const m = machine(def([a('a'), a('b', [], { onFailure: 'continue' })]));
    drive(m, { a: succeeded({}, { costUsd: 0.1 }), b: failed({ type: 'X', message: 'x' }, { costUsd: 0.2 }) });
    expect(m.costUsd()).toBeCloseTo(0.3, 12);
  });

  it('once spend reaches the budget no agent node starts and the run fails BUDGET_EXCEEDED; transforms still may', () => {
    const m = machine(def([a('a'), t('x', ['a']), a('b', ['x'])], { limits: { budgetUsd: 1 } }));
    drive(m, { a: succeeded({}, { costUsd: 1 }) });
    expect(statuses(m)).toEqual({ a: 'succeeded', x: 'succeeded', b: 'cancelled' });
    expect(m.error).toMatchObject({ code: 'BUDGET_EXCEEDED', node: 'b' });
  });

  it('a raised budget lets the next agent start; a bad value is ignored', () => {
    const m = machine(def([a('a'), a('b', ['a'])], { limits: { budgetUsd: 1 } }));
    m.start();
    const first = m.take()!;
    m.settle(first, succeeded({}, { costUsd: 1 }));
    m.setBudget(Number.NaN);
    expect(m.budgetUsd).toBe(1);
    m.setBudget(5);
    expect(m.remainingBudgetUsd()).toBe(4);
    expect(m.take()?.id).toBe('b');
  });
});

describe('bindings, snapshot and carry', () => {
  it('binds input, nodes and run; records show in nodes as they change', () => {
    const m = machine(def([t('a'), t('b', ['a'])]));
    m.start();
    const node = m.take()!;
    m.begin(node.id);
    expect(m.bindings('a')).toMatchObject({ input: { topic: 'x' }, nodes: { a: { status: 'running', output: null } }, run: { id: 'run_1', workflow: 'wf', version: 3, startedAt: '2026-01-01T00:00:00.000Z' } });
    m.settle(node, succeeded({ v: 1 }));
    expect(m.nodes().a).toEqual({ status: 'succeeded', output: { v: 1 } });
  });

  it('a snapshot leaves out pending and stored records; carry and restore pick up where it left off', () => {
    const definition = def([t('a'), t('b', ['a'], { output: '{{ nodes.a.output }}' }), t('c', ['b'])]);
    const m = machine(definition);
    m.start();
    const first = m.take()!;
    m.begin(first.id);
    m.settle(first, succeeded('A', { costUsd: 0.25 }));
    expect(Object.keys(m.snapshot('run_1').nodes)).toEqual(['a']);
    const chunks = m.unstoredChunks(1024);
    expect(chunks).toHaveLength(1);
    m.markStored(Object.keys(chunks[0]!));
    expect(m.snapshot('run_1').nodes).toEqual({});
    const carry = m.carry(1024, 1024);
    expect(decodeStatuses(carry.statuses)).toEqual(['succeeded', 'pending', 'pending']);
    expect(carry).toMatchObject({ outputs: { a: 'A' }, spent: 0.25, paused: false, degraded: false });

    const next = machine(definition, { carry });
    expect((next.bindings('b') as { nodes: Record<string, unknown> }).nodes.a).toEqual({ output: 'A', status: 'succeeded' });
    expect(drive(next)).toEqual(['b', 'c']);
    expect(next.costUsd()).toBe(0.25);
    expect(next.startedAt).toBe(m.startedAt);
    expect(Object.keys(next.snapshot('run_1').nodes)).toEqual(['b', 'c']);
  });

  it('carries outputs too big to carry as ids to load, and loads them back', () => {
    const definition = def([t('a'), t('b', ['a'], { output: '{{ nodes.a.output }}' })]);
    const m = machine(definition);
    m.start();
    const first = m.take()!;
    m.settle(first, succeeded('x'.repeat(100)));
    const carry = m.carry(10, 1024);
    expect(carry.outputs).toEqual({});
    expect(carry.storedOutputs).toEqual([['a']]);
    const next = machine(definition, { carry });
    next.restoreOutputs({ a: 'loaded' });
    expect((next.bindings('b') as { nodes: Record<string, unknown> }).nodes.a).toEqual({ output: 'loaded', status: 'succeeded' });
    expect(drive(next)).toEqual(['b']);
  });

  it('knows which approvals wait for a decision', () => {
    const m = machine(def([{ id: 'ok', type: 'approval' }, t('b')]));
    m.start();
    const node = m.take()!;
    expect(m.awaitsDecision('ok')).toBe(false);
    m.begin(node.id);
    m.wait(node.id, { message: 'ship?' });
    expect(m.awaitsDecision('ok')).toBe(true);
    expect(m.awaitsDecision('b')).toBe(false);
    expect(m.record('ok')).toMatchObject({ status: 'waiting', output: { message: 'ship?' } });
  });

  it('a re-run keeps the reused outputs without running them, at no cost, and runs the rest', () => {
    const definition = def([t('a'), t('b', ['a']), t('c', ['b']), t('d')]);
    const m = machine(definition, { reuse: { from: 'run_0', outputs: { a: 'A', d: 'D' } } });
    expect(drive(m)).toEqual(['b', 'c']);
    expect(m.record('a')).toMatchObject({ status: 'succeeded', output: 'A', costUsd: 0, attempts: 0, reused: true, reusedFrom: 'run_0' });
    expect(m.record('b').reused).toBeUndefined();
    expect(Object.keys(m.snapshot('run_1').nodes).sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(m.output).toEqual({ c: 'c', d: 'D' });
  });

  it('stamps the plugin that ran a plugin node', () => {
    const m = machine(def([{ id: 'p', type: 'acme.echo', config: {} }]));
    drive(m, { p: succeeded({ ok: true }, { plugin: { name: 'acme', version: '1.2.0' } }) });
    expect(m.record('p')).toMatchObject({ status: 'succeeded', plugin: { name: 'acme', version: '1.2.0' } });
  });
});
