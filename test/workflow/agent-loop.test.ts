import { randomBytes } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { type TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { CheckedCall, TurnSummary } from '../../src/dag/agent-loop.js';
import type { AgentTurnInput, FinishRunInput, HttpActivityInput, WeftActivities } from '../../src/activities/contract.js';
import type { NodeRecord, RunSnapshot } from '../../src/dag/run-state.js';
import { RUN_WORKFLOW_TYPE, type ApprovalDecision, type RunWorkflowInput, type RunWorkflowResult } from '../../src/workflows/messages.js';
import { waitFor } from '../support/processes.js';
import { startTimeSkipping } from '../support/time-skipping.js';

/**
 * The agent loop executor (src/workflows/nodes/agent-loop.ts, tool-call.ts) on
 * Temporal's time-skipping test server with stub activities: the stub model
 * (`agentTurn`) plays a script of answers, the stub http tool (`runHttp`)
 * does what its arguments say. No API, no PostgreSQL, no real model.
 */
let env: TestWorkflowEnvironment;

beforeAll(async () => {
  env = await startTimeSkipping();
});

afterAll(async () => {
  await env?.teardown();
});

/** One call the stub model makes: tool name and args (checked `ok`). */
type Call = [tool: string, args: Record<string, unknown>];
/** The stub model's answer to a turn: calls, or final text. */
type Answer = Call[] | string;

/** What the stubs saw. */
interface Seen {
  turns: { turn: number; model: string | undefined; attempt: number; results: { callId: string; value: unknown; isError: boolean }[] }[];
  http: { args: Record<string, unknown>; url: string; key: string | undefined; event: 'start' | 'end' | 'cancelled' }[];
  finished: FinishRunInput[];
}

/** Test-controlled gates the stub tool waits on, by name. */
class Gates {
  private readonly open = new Map<string, () => void>();
  private readonly waiting = new Map<string, Promise<void>>();
  wait(name: string): Promise<void> {
    if (!this.waiting.has(name)) this.waiting.set(name, new Promise<void>((resolve) => this.open.set(name, resolve)));
    return this.waiting.get(name)!;
  }
  release(name: string): void {
    void this.wait(name);
    this.open.get(name)!();
  }
}

interface Stubs {
  seen: Seen;
  gates: Gates;
  inflight: { now: number; max: number };
}

/**
 * The stub model answers turn t with `script[t-1]` (the last repeating); a
 * config whose model is `down` fails from turn `downFrom` on. The stub http
 * tool reads its args: `waitFor` (a gate to wait on), `release` (a gate to
 * open when done), `hang` (heartbeat until cancelled), `crowd` (wait until
 * that many calls are in flight, or none is left to come).
 */
function stubActivities(script: Answer[], stubs: Stubs, options: { downFrom?: number; crowdTotal?: number } = {}): WeftActivities {
  const { seen, gates, inflight } = stubs;
  const unexpected = (name: string) => async () => {
    throw ApplicationFailure.create({ type: 'UNEXPECTED', message: `${name} was not expected`, nonRetryable: true });
  };
  let started = 0;
  return {
    async agentTurn(input: AgentTurnInput) {
      const { attempt } = Context.current().info;
      const model = input.config.model;
      seen.turns.push({ turn: input.turn, model, attempt, results: input.results.map((r) => ({ callId: r.callId, value: JSON.parse(r.value as string), isError: r.isError })) });
      if (model === 'down' && input.turn >= (options.downFrom ?? 1)) throw ApplicationFailure.create({ type: 'PROVIDER_UNAVAILABLE', message: `down on turn ${input.turn}`, details: [{ attempt }] });
      const answer = script[Math.min(input.turn, script.length) - 1]!;
      const calls: CheckedCall[] = typeof answer === 'string' ? [] : answer.map(([tool, args], i) => ({ callId: `c${input.turn}_${i + 1}`, tool, args, check: 'ok' }));
      const summary: TurnSummary = { text: typeof answer === 'string' ? answer : '', calls, usage: { inputTokens: 10, outputTokens: 2 }, costUsd: 0.001, model: model ?? null };
      return { summary, attempt, provider: 'stub' };
    },
    async runHttp(input: HttpActivityInput) {
      const { url } = input.request;
      const args = (input.request.body ?? {}) as Record<string, unknown>;
      const key = input.idempotencyKey;
      seen.http.push({ args, url, key, event: 'start' });
      started += 1;
      inflight.now += 1;
      inflight.max = Math.max(inflight.max, inflight.now);
      try {
        if (typeof args.waitFor === 'string') await gates.wait(args.waitFor);
        if (typeof args.crowd === 'number') {
          const crowd = args.crowd;
          await waitFor(async () => (inflight.now >= crowd || started >= (options.crowdTotal ?? 0) ? true : undefined), 'a crowd of calls', 10_000);
        }
        if (args.hang) {
          for (;;) {
            Context.current().heartbeat();
            if (Context.current().cancellationSignal.aborted) {
              seen.http.push({ args, url, key, event: 'cancelled' });
              throw new CancelledFailure('cancelled');
            }
            await new Promise((r) => setTimeout(r, 20));
          }
        }
      } finally {
        inflight.now -= 1;
      }
      seen.http.push({ args, url, key, event: 'end' });
      if (typeof args.release === 'string') gates.release(args.release);
      return { output: { status: 200, headers: {}, body: { echo: args } }, attempt: Context.current().info.attempt };
    },
    runAgent: unexpected('runAgent'),
    runExec: unexpected('runExec'),
    runPlugin: unexpected('runPlugin'),
    listMcpTools: unexpected('listMcpTools'),
    callMcpTool: unexpected('callMcpTool'),
    async deliverHooks() {},
    async saveNodes() {},
    async loadOutputs() {
      return {};
    },
    async finishRun(input) {
      seen.finished.push(input);
    },
    loadWorkflow: unexpected('loadWorkflow'),
    prepareScheduledRun: unexpected('prepareScheduledRun'),
  };
}

/** An http tool whose body is its args, so the stub reads what the call resolved. */
const httpTool = (extra: Record<string, unknown> = {}) => ({
  description: 'A stub tool',
  parameters: { type: 'object' },
  http: { method: 'POST', url: 'http://tool.test/call', body: '{{ args }}' },
  retry: { maxAttempts: 1 },
  ...extra,
});

const loopNode = (agent: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
  id: 'loop',
  type: 'agent',
  retry: { maxAttempts: 2, initialInterval: '1s' },
  agent: { provider: 'stub', model: 'main', prompt: 'go', tools: ['act'], maxTurns: 10, ...agent },
  ...extra,
});

interface Options {
  tools?: Record<string, unknown>;
  limits?: Record<string, unknown>;
  downFrom?: number;
  crowdTotal?: number;
  /** Drives the run while it lives (decisions, signals, cancel). */
  drive?: (handle: WorkflowHandle, stubs: Stubs) => Promise<void>;
}

/** Runs one agent node to its end on a fresh task queue. */
async function run(node: unknown, script: Answer[], options: Options = {}) {
  const stubs: Stubs = { seen: { turns: [], http: [], finished: [] }, gates: new Gates(), inflight: { now: 0, max: 0 } };
  const taskQueue = `loop-${randomBytes(4).toString('hex')}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: { codePath: inject('workflowBundlePath') },
    activities: stubActivities(script, stubs, options),
  });
  const definition = { apiVersion: 'weft/v1', name: 'looped', tools: options.tools ?? { act: httpTool() }, ...(options.limits ? { limits: options.limits } : {}), nodes: [node] };
  const args: RunWorkflowInput = { definition: definition as RunWorkflowInput['definition'], input: {}, workflow: 'looped', version: null };
  const workflowId = `run_${randomBytes(6).toString('hex')}`;
  const outcome = await worker.runUntil(async () => {
    const handle = await env.client.workflow.start<(a: RunWorkflowInput) => Promise<RunWorkflowResult>>(RUN_WORKFLOW_TYPE, { workflowId, taskQueue, args: [args] });
    await options.drive?.(handle, stubs);
    try {
      return { result: await handle.result() };
    } catch (error) {
      return { error };
    }
  });
  const record = (): NodeRecord => stubs.seen.finished.at(-1)!.snapshot.nodes.loop!;
  const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
  return { ...outcome, ...stubs.seen, inflight: stubs.inflight, record, history };
}

const state = (handle: WorkflowHandle) => handle.query<RunSnapshot>('weft.runState');
const decide = (handle: WorkflowHandle, decision: Omit<ApprovalDecision, 'nodeId' | 'by'>) => handle.executeUpdate('weft.approve', { args: [{ nodeId: 'loop', by: 'ops', ...decision }] });
const pendingCalls = async (handle: WorkflowHandle, n: number) =>
  waitFor(async () => {
    const calls = (await state(handle)).nodes.loop?.pendingToolCalls ?? [];
    return calls.length >= n ? calls : undefined;
  }, `${n} calls to wait`);
const httpStarted = (stubs: Stubs, n: number) => waitFor(async () => (stubs.seen.http.filter((e) => e.event === 'start').length >= n ? true : undefined), `${n} tool calls to start`);

describe('the agent loop on the time-skipping server (weft-agents 3.1)', () => {
  it('runs a tool loop over several turns; parallel calls settling out of order go back in call order', async () => {
    // Turn 1: three calls; the first waits for the third, the second for the first: they end 3, 1, 2.
    const script: Answer[] = [
      [
        ['act', { n: 1, waitFor: 'third', release: 'first' }],
        ['act', { n: 2, waitFor: 'first' }],
        ['act', { n: 3, release: 'third' }],
      ],
      [['act', { n: 4 }]],
      'all done',
    ];
    const { result, turns, http, record } = await run(loopNode(), script);
    expect(result?.status).toBe('succeeded');
    expect(http.filter((e) => e.event === 'end').map((e) => e.args.n)).toEqual([3, 1, 2, 4]);
    expect(turns.map((t) => t.turn)).toEqual([1, 2, 3]);
    expect(turns[1]!.results.map((r) => [r.callId, (r.value as { body: { echo: { n: number } } }).body.echo.n])).toEqual([
      ['c1_1', 1],
      ['c1_2', 2],
      ['c1_3', 3],
    ]);
    expect(turns[2]!.results.map((r) => r.callId)).toEqual(['c2_1']);
    // Every call has its own idempotency key, the same on each attempt.
    expect(http.filter((e) => e.event === 'start').map((e) => e.key).sort()).toEqual(['c1_1', 'c1_2', 'c1_3', 'c2_1'].map((c) => expect.stringMatching(new RegExp(`^run_\\w+/loop/${c}$`))));
    expect(record()).toMatchObject({ status: 'succeeded', attempts: 3, output: { text: 'all done', turns: 3, stopReason: 'end', provider: 'stub', model: 'main', usage: { inputTokens: 30, outputTokens: 6 } } });
    expect((record().output as { toolCalls: { id: string; status: string }[] }).toolCalls.map((c) => [c.id, c.status])).toEqual([
      ['c1_1', 'succeeded'],
      ['c1_2', 'succeeded'],
      ['c1_3', 'succeeded'],
      ['c2_1', 'succeeded'],
    ]);
    expect(record().costUsd).toBeCloseTo(0.003, 12);
  });

  it.each([1, 2, 3])('runs the calls of one answer at most maxParallel (%i) at once', async (maxParallel) => {
    const calls: Call[] = Array.from({ length: 5 }, (_, i) => ['act', { n: i, crowd: maxParallel }]);
    const { result, inflight } = await run(loopNode(), [calls, 'done'], { limits: { maxParallel }, crowdTotal: 5 });
    expect(result?.status).toBe('succeeded');
    // Each call waits until maxParallel are in flight, so the limit is reached, and never passed.
    expect(inflight.max).toBe(maxParallel);
  });

  it('fails with AGENT_LIMIT at maxTurns, or succeeds with max_turns under onLimit: succeed', async () => {
    const failing = await run(loopNode({ maxTurns: 2 }), [[['act', {}]]]);
    expect(failing.record()).toMatchObject({ status: 'failed', error: { type: 'AGENT_LIMIT' } });
    expect(failing.turns).toHaveLength(2);
    const lenient = await run(loopNode({ maxTurns: 2, onLimit: 'succeed' }), [[['act', {}]]]);
    expect(lenient.record()).toMatchObject({ status: 'succeeded', output: { stopReason: 'max_turns', turns: 2 } });
  });
});

describe('approvals of tool calls (weft-agents 3.2)', () => {
  it('runs an approved call with the edited args, feeds back a rejection and an approval timeout, while the call needing none runs', async () => {
    const tools = {
      act: httpTool(),
      deploy: httpTool({ approve: "args.target = 'prod'" }),
      risky: httpTool({ approve: true, approvalTimeout: '1h' }),
    };
    const script: Answer[] = [
      [
        ['deploy', { target: 'prod' }],
        ['deploy', { target: 'prod', again: true }],
        ['deploy', { target: 'staging' }],
        ['risky', {}],
        ['act', { n: 1 }],
      ],
      'decided',
    ];
    const { result, turns, http, record } = await run(loopNode({ tools: ['act', 'deploy', 'risky'] }), script, {
      tools,
      drive: async (handle, stubs) => {
        const pending = await pendingCalls(handle, 3);
        expect(pending.map((c) => [c.callId, c.tool, c.args, c.turn])).toEqual([
          ['c1_1', 'deploy', { target: 'prod' }, 1],
          ['c1_2', 'deploy', { target: 'prod', again: true }, 1],
          ['c1_4', 'risky', {}, 1],
        ]);
        expect((await state(handle)).nodes.loop?.status).toBe('waiting');
        // The calls that need no decision ran meanwhile.
        await httpStarted(stubs, 2);
        await decide(handle, { callId: 'c1_1', approved: true, args: { target: 'prod', edited: true } });
        await decide(handle, { callId: 'c1_2', approved: false, comment: 'not today' });
        // A call decided already no longer waits.
        await expect(decide(handle, { callId: 'c1_2', approved: true })).rejects.toThrow();
      },
    });
    expect(result?.status).toBe('succeeded');
    const ran = http.filter((e) => e.event === 'start').map((e) => e.args);
    expect(ran).toEqual(expect.arrayContaining([{ target: 'staging' }, { n: 1 }, { target: 'prod', edited: true }]));
    expect(ran).toHaveLength(3);
    const results = Object.fromEntries(turns[1]!.results.map((r) => [r.callId, r]));
    expect(turns[1]!.results.map((r) => r.callId)).toEqual(['c1_1', 'c1_2', 'c1_3', 'c1_4', 'c1_5']);
    expect(results.c1_1).toMatchObject({ isError: false, value: { body: { echo: { target: 'prod', edited: true } } } });
    expect(results.c1_2).toEqual({ callId: 'c1_2', isError: true, value: { rejected: true, by: 'ops', comment: 'not today' } });
    expect(results.c1_4).toEqual({ callId: 'c1_4', isError: true, value: { rejected: true, by: null, comment: 'timed out' } });
    const calls = (record().output as { toolCalls: { id: string; status: string; args: unknown }[] }).toolCalls;
    expect(calls.map((c) => [c.id, c.status])).toEqual([
      ['c1_1', 'succeeded'],
      ['c1_2', 'rejected'],
      ['c1_3', 'succeeded'],
      ['c1_4', 'rejected'],
      ['c1_5', 'succeeded'],
    ]);
    expect(calls[0]!.args).toEqual({ target: 'prod', edited: true });
    expect(record().pendingToolCalls).toBeUndefined();
  });
});

describe('fallback, cancel and pause (weft-agents 3.1.1, 3.3)', () => {
  it('moves to the next config for the turns after the primary is spent at turn 3', async () => {
    const node = loopNode({ model: 'down' }, { fallback: [{ model: 'backup' }] });
    const { result, turns, record } = await run(node, [[['act', { n: 1 }]], [['act', { n: 2 }]], [['act', { n: 3 }]], 'done'], { downFrom: 3 });
    expect(result?.status).toBe('succeeded');
    expect(turns.map((t) => [t.turn, t.model, t.attempt])).toEqual([
      [1, 'down', 1],
      [2, 'down', 1],
      [3, 'down', 1],
      [3, 'down', 2],
      [3, 'backup', 1],
      [4, 'backup', 1],
    ]);
    // The backup's turn 3 reads the same results the primary's did.
    expect(turns[4]!.results).toEqual(turns[2]!.results);
    expect(record()).toMatchObject({ status: 'succeeded', attempts: 6, fallback: 0, degraded: true, output: { turns: 4, model: 'backup' } });
  });

  it('fails the node with the last error when every config is spent', async () => {
    const node = loopNode({ model: 'down' }, { fallback: [{ model: 'down' }] });
    const { record } = await run(node, [[['act', {}]]], { downFrom: 2 });
    expect(record()).toMatchObject({ status: 'failed', attempts: 5, error: { type: 'PROVIDER_UNAVAILABLE', message: 'down on turn 2' } });
  });

  it('cancelling the run cancels the call in flight and ends the node cancelled', async () => {
    const { error, http, record, turns } = await run(loopNode(), [[['act', { hang: true }]], 'never'], {
      drive: async (handle, stubs) => {
        await httpStarted(stubs, 1);
        await handle.cancel();
      },
    });
    expect(error).toBeDefined();
    expect(http.map((e) => e.event)).toEqual(['start', 'cancelled']);
    expect(turns).toHaveLength(1);
    expect(record().status).toBe('cancelled');
  });

  it('a paused run lets the running call finish and starts no new turn until resumed', async () => {
    const { result, turns, record } = await run(loopNode(), [[['act', { waitFor: 'go' }]], 'resumed'], {
      drive: async (handle, stubs) => {
        await httpStarted(stubs, 1);
        await handle.signal('weft.pause');
        await waitFor(async () => ((await state(handle)).status === 'paused' ? true : undefined), 'the run to be paused');
        stubs.gates.release('go');
        // Once the workflow has taken the call's completion (a workflow task completed after it), the loop would have asked for turn 2.
        await waitFor(async () => {
          const events = (await handle.fetchHistory()).events ?? [];
          const completed = events.findIndex((e) => e.activityTaskCompletedEventAttributes);
          return completed >= 0 && events.slice(completed).some((e) => e.workflowTaskCompletedEventAttributes) ? true : undefined;
        }, 'the call completion to be handled');
        const scheduled = ((await handle.fetchHistory()).events ?? []).filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'agentTurn');
        expect(scheduled).toHaveLength(1);
        expect(stubs.seen.turns).toHaveLength(1);
        await handle.signal('weft.resume');
      },
    });
    expect(result?.status).toBe('succeeded');
    expect(turns.map((t) => t.turn)).toEqual([1, 2]);
    expect(record()).toMatchObject({ status: 'succeeded', output: { text: 'resumed', turns: 2 } });
  });
});
