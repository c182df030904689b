import { randomBytes } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { type TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { AgentActivityInput, FailureDetails, FinishRunInput, WeftActivities } from '../../src/activities/contract.js';
import type { HookEvent } from '../../src/plugins/contract.js';
import { RUN_WORKFLOW_TYPE, type RunWorkflowInput, type RunWorkflowResult } from '../../src/workflows/messages.js';
import { startTimeSkipping } from '../support/time-skipping.js';

/**
 * The interpreter at the workflow level (contract 3.3: fallback, onFailure,
 * cancel, degraded; plugin hooks) against stub activities on Temporal's
 * time-skipping test server: no API, no PostgreSQL. The stub agent's
 * behaviour is scripted by its prompt.
 */
let env: TestWorkflowEnvironment;

beforeAll(async () => {
  env = await startTimeSkipping();
});

afterAll(async () => {
  await env?.teardown();
});

/** What the stubs saw during one run. */
interface Calls {
  agents: { nodeId: string; prompt: string; attempt: number }[];
  finished: FinishRunInput[];
  hooks: HookEvent[];
}

function stubActivities(calls: Calls): WeftActivities {
  const unexpected = (name: string) => async () => {
    throw ApplicationFailure.create({ type: 'UNEXPECTED', message: `${name} was not expected`, nonRetryable: true });
  };
  return {
    async runAgent(input: AgentActivityInput) {
      const { attempt } = Context.current().info;
      calls.agents.push({ nodeId: input.nodeId, prompt: input.config.prompt, attempt });
      const details: FailureDetails = { attempt };
      if (input.config.prompt === 'fail') throw ApplicationFailure.create({ type: 'STUB_FAILED', message: `attempt ${attempt} failed`, details: [details] });
      if (input.config.prompt === 'hang') {
        // Heartbeats until cancelled, like a real activity.
        for (;;) {
          Context.current().heartbeat();
          if (Context.current().cancellationSignal.aborted) throw new CancelledFailure('cancelled');
          await Context.current().sleep(50).catch(() => {});
        }
      }
      const costUsd = 0.01;
      return { output: { text: input.config.prompt, usage: { inputTokens: 1, outputTokens: 1 }, costUsd, provider: 'stub', model: 'stub', cached: false, fallback: input.fallback }, attempt };
    },
    runHttp: unexpected('runHttp'),
    runExec: unexpected('runExec'),
    runPlugin: unexpected('runPlugin'),
    agentTurn: unexpected('agentTurn'),
    listMcpTools: unexpected('listMcpTools'),
    callMcpTool: unexpected('callMcpTool'),
    async deliverHooks({ events }) {
      calls.hooks.push(...events);
    },
    async saveNodes() {},
    async loadOutputs() {
      return {};
    },
    async finishRun(input) {
      calls.finished.push(input);
    },
    loadWorkflow: unexpected('loadWorkflow'),
    prepareScheduledRun: unexpected('prepareScheduledRun'),
  };
}

const agent = (id: string, prompt: string, extra: object = {}) => ({ id, type: 'agent', retry: { maxAttempts: 2, initialInterval: '1s' }, agent: { provider: 'stub', prompt }, ...extra });

/** Runs a definition to its end on a fresh task queue; returns the result, what the stubs saw and the run's history. */
async function run(nodes: unknown[], options: { hooks?: RunWorkflowInput['hooks']; cancelAfterStart?: boolean } = {}) {
  const calls: Calls = { agents: [], finished: [], hooks: [] };
  const taskQueue = `wf-${randomBytes(4).toString('hex')}`;
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: { codePath: inject('workflowBundlePath') }, activities: stubActivities(calls) });
  const args: RunWorkflowInput = { definition: { apiVersion: 'weft/v1', name: 'stubbed', nodes } as RunWorkflowInput['definition'], input: {}, workflow: 'stubbed', version: null, ...(options.hooks ? { hooks: options.hooks } : {}) };
  const workflowId = `run_${randomBytes(6).toString('hex')}`;
  const outcome = await worker.runUntil(async () => {
    const handle = await env.client.workflow.start<(a: RunWorkflowInput) => Promise<RunWorkflowResult>>(RUN_WORKFLOW_TYPE, { workflowId, taskQueue, args: [args] });
    if (options.cancelAfterStart) {
      // Cancel once the hanging node's first attempt is under way.
      while (calls.agents.length === 0) await new Promise((r) => setTimeout(r, 20));
      await handle.cancel();
    }
    try {
      return { result: await handle.result() };
    } catch (error) {
      return { error };
    }
  });
  const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
  const nodesOf = () => calls.finished.at(-1)!.snapshot.nodes;
  return { ...outcome, calls, nodes: nodesOf, snapshot: () => calls.finished.at(-1)!.snapshot, history };
}

describe('interpreter with stub activities (contract 3.3)', () => {
  it('tries each fallback once the primary is spent, counts every attempt, and marks the node and run degraded', async () => {
    const { result, nodes, calls, snapshot } = await run([agent('write', 'fail', { fallback: [{ prompt: 'fail' }, { prompt: 'ok' }] })]);
    expect(result).toMatchObject({ status: 'succeeded', error: null });
    expect(calls.agents.map((c) => c.prompt)).toEqual(['fail', 'fail', 'fail', 'fail', 'ok']);
    expect(nodes().write).toMatchObject({ status: 'succeeded', attempts: 5, fallback: 1, degraded: true, output: { text: 'ok', fallback: 1 } });
    expect(snapshot()).toMatchObject({ status: 'succeeded', degraded: true, costUsd: 0.01 });
  });

  it.each([
    ['fail', 'failed', 'cancelled', 'failed', { code: 'NODE_FAILED', node: 'bad' }],
    ['skip', 'skipped', 'succeeded', 'succeeded', null],
    ['continue', 'failed', 'succeeded', 'succeeded', null],
  ] as const)('onFailure: %s', async (onFailure, badStatus, afterStatus, runStatus, error) => {
    const { result, nodes } = await run([agent('bad', 'fail', { onFailure }), agent('after', 'ok', { needs: ['bad'], trigger: 'all_done' })]);
    expect(result?.status).toBe(runStatus);
    expect(nodes().bad).toMatchObject({ status: badStatus, attempts: 2, error: { type: 'STUB_FAILED', message: 'attempt 2 failed' }, degraded: onFailure === 'skip' });
    expect(nodes().after?.status ?? 'cancelled').toBe(afterStatus);
    expect(result?.error ?? null).toEqual(error ? expect.objectContaining(error) : null);
  });

  it('cancel stops running activities, records the outcome, and ends the execution cancelled', async () => {
    const { error, nodes, snapshot } = await run([agent('hang', 'hang'), agent('later', 'ok', { needs: ['hang'] })], { cancelAfterStart: true });
    expect(error).toBeDefined();
    expect(snapshot()).toMatchObject({ status: 'cancelled', error: { code: 'CANCELLED' } });
    expect(nodes().hang?.status).toBe('cancelled');
    expect(nodes().later?.status).toBe('cancelled');
  });
});

type History = Awaited<ReturnType<typeof run>>['history'];

/** A history's events other than workflow tasks, by type (activities with their type), leaving out one activity type's events. */
function commands(history: History, leaveOut?: string): string[] {
  const events = history.events ?? [];
  const dropped = new Set(events.filter((e) => leaveOut && e.activityTaskScheduledEventAttributes?.activityType?.name === leaveOut).map((e) => String(e.eventId)));
  return events
    .filter((e) => !(e.workflowTaskScheduledEventAttributes || e.workflowTaskStartedEventAttributes || e.workflowTaskCompletedEventAttributes))
    .filter((e) => !dropped.has(String(e.eventId)))
    .filter((e) => {
      const attrs = (e.activityTaskStartedEventAttributes ?? e.activityTaskCompletedEventAttributes ?? e.activityTaskFailedEventAttributes) as { scheduledEventId?: unknown } | null | undefined;
      return !attrs || !dropped.has(String(attrs.scheduledEventId));
    })
    .map((e) => `${e.eventType}${e.activityTaskScheduledEventAttributes ? `:${e.activityTaskScheduledEventAttributes.activityType?.name}` : ''}`);
}

describe('plugin hooks in the interpreter', () => {
  const nodes = [{ id: 'shape', type: 'transform', output: { v: 1 } }, agent('ask', 'ok', { needs: ['shape'] }), { id: 'never', type: 'transform', output: 1, when: 'false' }];

  it('delivers hook events of in-workflow nodes with stable ids, and only the hooks loaded', async () => {
    const { result, calls } = await run(nodes, { hooks: ['beforeNode', 'afterNode'] });
    expect(result?.status).toBe('succeeded');
    const ids = calls.hooks.map((e) => e.eventId).sort();
    expect(ids).toEqual(expect.arrayContaining([expect.stringMatching(/:shape:beforeNode$/), expect.stringMatching(/:shape:afterNode$/)]));
    // The agent reports its own events from its activity; a skipped node never started.
    expect(calls.hooks.every((e) => e.nodeId === 'shape' && e.workflow === 'stubbed')).toBe(true);
    expect(calls.hooks.find((e) => e.type === 'afterNode')?.node).toMatchObject({ status: 'succeeded', output: { v: 1 } });
  });

  it('with no hook loaded, schedules no extra activity and writes no extra history', async () => {
    const withHooks = await run(nodes, { hooks: ['beforeNode', 'afterNode'] });
    const without = await run(nodes);
    expect(without.calls.hooks).toEqual([]);
    const scheduled = (h: typeof without.history) => (h.events ?? []).filter((e) => e.activityTaskScheduledEventAttributes).map((e) => e.activityTaskScheduledEventAttributes!.activityType!.name);
    expect(scheduled(without.history)).toEqual(['runAgent']);
    expect(scheduled(withHooks.history)).toEqual(expect.arrayContaining(['deliverHooks', 'runAgent']));
    // Without hooks the history is the hooked one minus the deliveries' events (and the workflow tasks they woke).
    expect(commands(without.history)).toEqual(commands(withHooks.history, 'deliverHooks'));
  });
});
