import { describe, expect, it } from 'vitest';
import { AgentLoop, type CallSettlement, type CheckedCall, type LoopLimits, type LoopStep, type TurnSummary } from '../../src/dag/agent-loop.js';

/**
 * The pure loop state (src/dag/agent-loop.ts), one table per numbered
 * invariant: each row drives a loop through answers and settlements and states
 * what must follow, so a broken invariant fails a row.
 */
const limits = (over: Partial<LoopLimits> = {}): LoopLimits => ({ maxTurns: 10, maxToolCalls: 50, onLimit: 'fail', ...over });
const ok = (callId: string, tool = 't', args: unknown = {}): CheckedCall => ({ callId, tool, args, check: 'ok' });
const answer = (over: Partial<TurnSummary> = {}): TurnSummary => ({ text: '', calls: [], usage: { inputTokens: 1, outputTokens: 1 }, costUsd: 0.01, model: 'm', ...over });
const done = (output: unknown = 'out', extra: object = {}): CallSettlement => ({ status: 'succeeded', output, attempts: 1, durationMs: 5, ...extra });
const broke = (type = 'HTTP_STATUS'): CallSettlement => ({ status: 'failed', error: { type, message: 'boom' }, attempts: 3, durationMs: 7 });

/** Asks for a turn and checks it is one. */
function turn(loop: AgentLoop, runRemaining?: number): Extract<LoopStep, { kind: 'turn' }> {
  const step = loop.next(runRemaining);
  if (step.kind !== 'turn') throw new Error(`expected a turn, got ${JSON.stringify(step)}`);
  return step;
}

/** Answers every turn with calls that succeed at once, `turns` times. */
function callEveryTurn(loop: AgentLoop, turns: number): void {
  for (let i = 1; i <= turns; i++) {
    turn(loop);
    for (const c of loop.answered(answer({ text: `turn ${i}`, calls: [ok(`c${i}`)] }))) loop.settle(c.callId, done());
  }
}

describe('invariant 1: turns numbered from 1, started once every call settled, results in the model order', () => {
  it('numbers turns and carries no results into the first', () => {
    const loop = new AgentLoop(limits());
    expect(turn(loop)).toEqual({ kind: 'turn', turn: 1, results: [] });
    loop.answered(answer({ calls: [ok('a')] }));
    loop.settle('a', done(1));
    expect(turn(loop).turn).toBe(2);
    expect(loop.turns).toBe(2);
  });

  it.each([
    ['in order', ['a', 'b', 'c']],
    ['reversed', ['c', 'b', 'a']],
    ['middle first', ['b', 'c', 'a']],
  ])('waits for every call and gives results in call order when they settle %s', (_name, order) => {
    const loop = new AgentLoop(limits());
    turn(loop);
    loop.answered(answer({ calls: ['a', 'b', 'c'].map((id) => ok(id, `tool_${id}`)) }));
    for (const [i, id] of order.entries()) {
      expect(loop.next()).toEqual({ kind: 'calls' });
      loop.settle(id, done(`out ${id}`));
      if (i < order.length - 1) expect(loop.next().kind).toBe('calls');
    }
    const step = turn(loop);
    expect(step.results.map((r) => [r.callId, r.tool, r.value, r.isError])).toEqual([
      ['a', 'tool_a', 'out a', false],
      ['b', 'tool_b', 'out b', false],
      ['c', 'tool_c', 'out c', false],
    ]);
  });

  it('results are carried into one turn only', () => {
    const loop = new AgentLoop(limits());
    turn(loop);
    loop.answered(answer({ calls: [ok('a')] }));
    loop.settle('a', done());
    expect(turn(loop).results).toHaveLength(1);
    loop.answered(answer({ calls: [ok('b')] }));
    loop.settle('b', done());
    expect(turn(loop).results.map((r) => r.callId)).toEqual(['b']);
  });
});

describe('invariant 2: limits and budgets stop a turn before it is made', () => {
  it.each([
    ['fail', { kind: 'failed', error: { type: 'AGENT_LIMIT', message: 'the agent reached maxTurns 3 without a final answer' } }],
    ['succeed', { kind: 'succeeded', stopReason: 'max_turns' }],
  ] as const)('maxTurns with onLimit %s', (onLimit, end) => {
    const loop = new AgentLoop(limits({ maxTurns: 3, onLimit }));
    callEveryTurn(loop, 3);
    expect(loop.next()).toEqual({ kind: 'end', end });
    expect(loop.turns).toBe(3);
    const output = loop.output('max_turns');
    // onLimit: succeed ends with the last assistant text.
    expect(output).toMatchObject({ text: 'turn 3', turns: 3, stopReason: 'max_turns' });
    expect(output.json).toBeUndefined();
  });

  it('a final answer on the last allowed turn succeeds', () => {
    const loop = new AgentLoop(limits({ maxTurns: 2 }));
    callEveryTurn(loop, 1);
    turn(loop);
    loop.answered(answer({ text: 'done' }));
    expect(loop.next()).toEqual({ kind: 'end', end: { kind: 'succeeded', stopReason: 'end' } });
  });

  it.each([
    // [budgetUsd, cost per turn, turns made before the stop]
    [0.03, 0.01, 3],
    [0.025, 0.01, 3],
    [0.01, 0.01, 1],
    [0.0, 0.01, 0],
  ])('node budgetUsd %s at %s a turn stops after %i turns with BUDGET_EXCEEDED, whatever onLimit says', (budgetUsd, cost, made) => {
    const loop = new AgentLoop(limits({ budgetUsd, onLimit: 'succeed' }));
    for (let i = 0; i < made; i++) {
      turn(loop);
      for (const c of loop.answered(answer({ costUsd: cost, calls: [ok(`c${i}`)] }))) loop.settle(c.callId, done());
    }
    const step = loop.next();
    expect(step).toMatchObject({ kind: 'end', end: { kind: 'failed', error: { type: 'BUDGET_EXCEEDED' } } });
    expect(loop.turns).toBe(made);
  });

  it.each([
    // [run's remaining budget, loop cost so far, a turn?]
    [undefined, 5, true],
    [0.05, 0.04, true],
    [0.05, 0.05, false],
    [0, 0, false],
  ])('the run budget: %s left with the loop at %s spent -> turn %s', (remaining, spent, turns) => {
    const loop = new AgentLoop(limits());
    turn(loop);
    for (const c of loop.answered(answer({ costUsd: spent, calls: [ok('a')] }))) loop.settle(c.callId, done());
    const step = loop.next(remaining);
    if (turns) expect(step).toMatchObject({ kind: 'turn', turn: 2 });
    else expect(step).toMatchObject({ kind: 'end', end: { kind: 'failed', error: { type: 'BUDGET_EXCEEDED', message: "the run's budgetUsd (or the calling agent's) is spent" } } });
  });

  it('a sub-agent cost reported by a call counts toward the node budget', () => {
    const loop = new AgentLoop(limits({ budgetUsd: 0.5 }));
    turn(loop);
    loop.answered(answer({ costUsd: 0.1, calls: [ok('a')] }));
    loop.settle('a', done('sub', { costUsd: 0.4 }));
    expect(loop.next()).toMatchObject({ kind: 'end', end: { kind: 'failed', error: { type: 'BUDGET_EXCEEDED' } } });
  });

  it.each([
    // [budgetUsd, spent, what is left for a sub-agent's calls]
    [undefined, 0.3, undefined],
    [0.5, 0, 0.5],
    [0.5, 0.3, 0.2],
    [0.5, 0.6, -0.1],
  ])('budgetUsd %s with %s spent leaves %s for sub-agents', (budgetUsd, spent, left) => {
    const loop = new AgentLoop(limits({ budgetUsd }));
    turn(loop);
    loop.answered(answer({ costUsd: spent, calls: [ok('a')] }));
    const got = loop.budgetLeft();
    if (left === undefined) expect(got).toBeUndefined();
    else expect(got).toBeCloseTo(left, 12);
  });
});

describe('invariant 3: calls counted once, unknown and invalid ones never run, maxToolCalls cuts', () => {
  it('settles unknown and invalid calls itself, returns only the runnable ones, and feeds all back in order', () => {
    const loop = new AgentLoop(limits());
    turn(loop);
    const toRun = loop.answered(
      answer({
        calls: [ok('a', 'good'), { callId: 'b', tool: 'nope', args: {}, check: 'unknown' }, { callId: 'c', tool: 'good', args: { q: 1 }, check: 'invalid', errors: '/q must be string' }, ok('d', 'good')],
      }),
    );
    expect(toRun.map((c) => c.callId)).toEqual(['a', 'd']);
    expect(() => loop.settle('b', done())).toThrow(/settled twice/);
    loop.settle('d', done('D'));
    loop.settle('a', done('A'));
    const step = turn(loop);
    expect(step.results.map((r) => [r.callId, r.isError])).toEqual([
      ['a', false],
      ['b', true],
      ['c', true],
      ['d', false],
    ]);
    expect(step.results[1]!.value).toEqual({ error: { type: 'TOOL_UNKNOWN', message: 'no tool named nope is available to this agent' } });
    expect(step.results[2]!.value).toEqual({ error: { type: 'ARGS_INVALID', message: "the arguments do not match the tool's parameters: /q must be string" } });
    const calls = loop.output('end').toolCalls;
    expect(calls.map((c) => [c.id, c.status, c.turn])).toEqual([
      ['a', 'succeeded', 1],
      ['b', 'unknown', 1],
      ['c', 'invalid', 1],
      ['d', 'succeeded', 1],
    ]);
  });

  it.each([
    // [maxToolCalls, calls per answer, answers, calls recorded, turns]
    [2, 3, 1, 2, 1],
    [3, 2, 2, 3, 2],
    [1, 2, 1, 1, 1],
    // Exactly at the limit: the next answer's first call is the one beyond it.
    [4, 2, 3, 4, 3],
    [1, 1, 2, 1, 2],
  ])('maxToolCalls %i with %i calls an answer: cut after %i answers, %i recorded', (maxToolCalls, perAnswer, answers, recorded, turns) => {
    for (const onLimit of ['fail', 'succeed'] as const) {
      const loop = new AgentLoop(limits({ maxToolCalls, onLimit }));
      let ran = 0;
      for (let a = 1; a <= answers; a++) {
        turn(loop);
        const toRun = loop.answered(answer({ text: `answer ${a}`, calls: Array.from({ length: perAnswer }, (_, i) => ok(`c${a}_${i}`)) }));
        ran += toRun.length;
        // The loop waits for the calls within the limit before it ends.
        if (toRun.length > 0) expect(loop.next()).toEqual({ kind: 'calls' });
        for (const c of toRun) loop.settle(c.callId, done());
      }
      const step = loop.next();
      expect(ran).toBe(recorded);
      expect(loop.turns).toBe(turns);
      expect(loop.output('max_tool_calls').toolCalls).toHaveLength(recorded);
      if (onLimit === 'fail') expect(step).toMatchObject({ kind: 'end', end: { kind: 'failed', error: { type: 'AGENT_LIMIT', message: expect.stringContaining(`maxToolCalls ${maxToolCalls}`) } } });
      else {
        expect(step).toEqual({ kind: 'end', end: { kind: 'succeeded', stopReason: 'max_tool_calls' } });
        expect(loop.output('max_tool_calls').text).toBe(`answer ${answers}`);
      }
    }
  });

  it('reaching maxToolCalls exactly still allows a final answer', () => {
    const loop = new AgentLoop(limits({ maxToolCalls: 2 }));
    turn(loop);
    for (const c of loop.answered(answer({ calls: [ok('a'), ok('b')] }))) loop.settle(c.callId, done());
    turn(loop);
    loop.answered(answer({ text: 'final' }));
    expect(loop.next()).toEqual({ kind: 'end', end: { kind: 'succeeded', stopReason: 'end' } });
  });

  it('a call of an answer that ends the loop by maxToolCalls is not recorded even when unknown', () => {
    const loop = new AgentLoop(limits({ maxToolCalls: 1 }));
    turn(loop);
    loop.answered(answer({ calls: [ok('a'), { callId: 'b', tool: 'x', args: {}, check: 'unknown' }] }));
    loop.settle('a', done());
    expect(loop.output('max_tool_calls').toolCalls.map((c) => c.id)).toEqual(['a']);
    expect(() => loop.settle('b', done())).toThrow(/no call b/);
  });
});

describe('invariant 4: a call that runs settles exactly once', () => {
  it.each([
    ['succeeded', done({ rows: 2 }), { rows: 2 }, false, { status: 'succeeded', output: { rows: 2 }, attempts: 1, durationMs: 5 }],
    ['failed', broke(), { error: { type: 'HTTP_STATUS', message: 'boom' } }, true, { status: 'failed', error: { type: 'HTTP_STATUS', message: 'boom' }, attempts: 3, durationMs: 7 }],
    ['rejected', { status: 'rejected', by: 'ops', comment: 'no', durationMs: 9 }, { rejected: true, by: 'ops', comment: 'no' }, true, { status: 'rejected', attempts: 0, durationMs: 9 }],
    ['timed out', { status: 'rejected', by: null, comment: 'timed out', durationMs: 9 }, { rejected: true, by: null, comment: 'timed out' }, true, { status: 'rejected' }],
  ] as const)('%s: the model reads the right value, the record says how, the loop goes on', (_name, how, value, isError, record) => {
    const loop = new AgentLoop(limits());
    turn(loop);
    loop.answered(answer({ calls: [ok('a')] }));
    loop.settle('a', how as CallSettlement);
    expect(() => loop.settle('a', done())).toThrow(/settled twice/);
    const step = turn(loop);
    expect(step.results).toEqual([{ callId: 'a', tool: 't', value, isError }]);
    expect(loop.output('end').toolCalls[0]).toMatchObject(record);
  });

  it('waiting, then approved with edited args: the record shows the args that ran', () => {
    const loop = new AgentLoop(limits());
    turn(loop);
    loop.answered(answer({ calls: [ok('a', 't', { branch: 'main' }), ok('b')] }));
    loop.waiting('a');
    expect(loop.pending().map((c) => c.id)).toEqual(['a']);
    loop.settle('b', done());
    expect(loop.next()).toEqual({ kind: 'calls' });
    loop.approved('a', { branch: 'dev' });
    expect(loop.pending()).toEqual([]);
    loop.settle('a', done());
    expect(loop.output('end').toolCalls[0]).toMatchObject({ args: { branch: 'dev' }, status: 'succeeded' });
  });

  it('approved without edits keeps the model args', () => {
    const loop = new AgentLoop(limits());
    turn(loop);
    loop.answered(answer({ calls: [ok('a', 't', { x: 1 })] }));
    loop.waiting('a');
    loop.approved('a');
    expect(loop.output('end').toolCalls[0]).toMatchObject({ args: { x: 1 }, status: 'running' });
  });
});

describe('invariant 5: an answer without calls is final; a refused JSON answer is fed back and costs a turn', () => {
  it.each([
    ['text', answer({ text: 'hi' }), { text: 'hi' }],
    ['json', answer({ text: '{"a":1}', json: { a: 1 } }), { text: '{"a":1}', json: { a: 1 } }],
    ['json null', answer({ text: 'null', json: null }), { text: 'null', json: null }],
  ])('final %s answer', (_name, summary, output) => {
    const loop = new AgentLoop(limits());
    turn(loop);
    expect(loop.answered(summary)).toEqual([]);
    expect(loop.next()).toEqual({ kind: 'end', end: { kind: 'succeeded', stopReason: 'end' } });
    expect(loop.output('end')).toMatchObject({ ...output, turns: 1, toolCalls: [], stopReason: 'end' });
  });

  it('feeds a refused answer back on the next turn only, counting it as a turn', () => {
    const loop = new AgentLoop(limits({ maxTurns: 3 }));
    turn(loop);
    loop.answered(answer({ text: 'nope', invalidOutput: 'not valid JSON' }));
    expect(turn(loop)).toEqual({ kind: 'turn', turn: 2, results: [], feedback: 'not valid JSON' });
    loop.answered(answer({ calls: [ok('a')] }));
    loop.settle('a', done());
    expect(turn(loop).feedback).toBeUndefined();
    loop.answered(answer({ text: 'again', invalidOutput: '/x must be number' }));
    // The feedback would need a fourth turn: the limit ends the loop.
    expect(loop.next()).toMatchObject({ kind: 'end', end: { kind: 'failed', error: { type: 'AGENT_LIMIT' } } });
  });
});

describe('invariant 6: usage and cost sum every turn and every call that reports them', () => {
  it.each([
    ['turns only', [0.01, 0.02], [], 0.03, { inputTokens: 2, outputTokens: 2 }],
    ['a null turn cost', [null, 0.02], [], 0.02, { inputTokens: 2, outputTokens: 2 }],
    ['a sub-agent call', [0.01, 0.01], [{ costUsd: 0.5, usage: { inputTokens: 100, outputTokens: 50, cacheReadTokens: 7 } }], 0.52, { inputTokens: 102, outputTokens: 52, cacheReadTokens: 7 }],
    ['a workflow call (cost, no usage)', [0.01, 0.01], [{ costUsd: 0.25 }], 0.27, { inputTokens: 2, outputTokens: 2 }],
    ['a failed sub-agent still costs', [0.01, 0.01], [{ failed: true, costUsd: 0.1 }], 0.12, { inputTokens: 2, outputTokens: 2 }],
  ] as const)('%s', (_name, turnCosts, calls, cost, usage) => {
    const loop = new AgentLoop(limits());
    turn(loop);
    // A free call first, so the first answer is never final.
    const toRun = loop.answered(answer({ costUsd: turnCosts[0], calls: [ok('free'), ...calls.map((_, i) => ok(`c${i}`))] }));
    loop.settle('free', done());
    for (const [i, c] of calls.entries()) {
      const extra = { costUsd: c.costUsd, ...('usage' in c ? { usage: c.usage } : {}) };
      loop.settle(toRun[i + 1]!.callId, 'failed' in c ? { ...broke(), ...extra } : done('x', extra));
    }
    turn(loop);
    loop.answered(answer({ text: 'end', costUsd: turnCosts[1] }));
    expect(loop.costUsd).toBeCloseTo(cost, 12);
    const output = loop.output('end');
    expect(output.costUsd).toBeCloseTo(cost, 12);
    expect(output.usage).toEqual(usage);
  });

  it('the output is a copy: later changes to the loop do not reach it', () => {
    const loop = new AgentLoop(limits());
    turn(loop);
    loop.answered(answer({ calls: [ok('a')] }));
    const before = loop.output('end');
    loop.settle('a', done());
    expect(before.toolCalls[0]!.status).toBe('running');
    expect(before.usage).toEqual({ inputTokens: 1, outputTokens: 1 });
  });
});
