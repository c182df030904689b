import type { Client } from '@temporalio/client';
import { defaultPayloadConverter, tsToMs } from '@temporalio/common';
import { expect } from 'vitest';
import type { RunSnapshot } from '../../src/dag/run-state.js';
import type { ToolServer } from '../../src/conformance/tool-server.js';

/** The agent node of `agentLoops`. */
const NODE = 'loop';
/** Parallel calls in each of a loop's turns but the last. */
const CALLS_PER_TURN = 2;

/**
 * An offline agent loop of `turns` turns: every turn but the last makes two
 * calls of an http tool that the tool server holds for `holdMs`, so most of a
 * loop's time is spent mid-tool-call; the last turn answers `done`. Turns and
 * calls time out fast, so a dead worker's are retried soon.
 */
export function agentLoops(toolUrl: string, turns: number, holdMs: number): Record<string, unknown> {
  const fast = { timeout: '5s', retry: { maxAttempts: 5, initialInterval: '100ms' } };
  const calls = Array.from({ length: CALLS_PER_TURN }, (_, i) => ({ tool: 'hold', args: { n: i + 1 } }));
  return {
    apiVersion: 'weft/v1',
    name: 'resilience-agent-loop',
    tools: {
      hold: {
        description: 'Wait at the tool server',
        parameters: { type: 'object', required: ['n'], properties: { n: { type: 'number' } } },
        http: { method: 'GET', url: `${toolUrl}/hold/${holdMs}`, query: { n: '{{ args.n }}' } },
        ...fast,
      },
    },
    nodes: [
      {
        id: NODE,
        type: 'agent',
        agent: { provider: 'offline', prompt: 'work', tools: ['hold'], mock: { script: [...Array.from({ length: turns - 1 }, () => ({ toolCalls: calls })), { text: 'done' }] } },
        ...fast,
      },
    ],
  };
}

/** The runs among `ids` with a call held at the tool server right now. */
export function runsMidCall(tools: ToolServer, ids: readonly string[]): number {
  const held = new Set(tools.requests.filter((r) => r.answeredAt === undefined && r.key !== undefined).map((r) => r.key!.split('/')[0]!));
  return ids.filter((id) => held.has(id)).length;
}

/** When each http call of a run completed in Temporal's history (ActivityTaskCompleted), by its idempotency key. */
async function completionTimes(temporal: Client, id: string): Promise<Map<string, number>> {
  const events = (await temporal.workflow.getHandle(id).fetchHistory()).events ?? [];
  const keyOf = new Map<string, string>();
  const completed = new Map<string, number>();
  for (const event of events) {
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled?.activityType?.name === 'runHttp') {
      const input = defaultPayloadConverter.fromPayload<{ idempotencyKey: string }>(scheduled.input!.payloads![0]!);
      keyOf.set(String(event.eventId), input.idempotencyKey);
    }
    const done = event.activityTaskCompletedEventAttributes;
    const key = done && keyOf.get(String(done.scheduledEventId));
    if (key) completed.set(key, tsToMs(event.eventTime));
  }
  return completed;
}

/** When a fault began and when it was over (ms): a kill is over when the script returns; a graceful server stop lasts until the server is back. */
export interface FaultWindow {
  from: number;
  to: number;
}

/**
 * Checks weft-agents 3.3 after a fault: every run succeeded with all its turns
 * and calls; the tool server saw exactly the keys `<runId>/loop/call_<turn>_<n>`
 * the scripts make, every request with one; a call whose completion Temporal
 * recorded before the fault began ran once, and a call ran at most twice, the
 * second time only when the first reached the tool before the fault was over
 * (it was in flight at the fault). Returns the figures.
 */
export async function checkLoops(temporal: Client, tools: ToolServer, runs: RunSnapshot[], turns: number, fault: FaultWindow): Promise<{ calls: number; completedBeforeFault: number; ranAgain: number }> {
  const expected = runs.flatMap((run) => Array.from({ length: (turns - 1) * CALLS_PER_TURN }, (_, i) => `${run.id}/${NODE}/call_${Math.floor(i / CALLS_PER_TURN) + 1}_${(i % CALLS_PER_TURN) + 1}`));
  for (const run of runs) {
    expect(run.status).toBe('succeeded');
    const output = run.nodes[NODE]!.output as { turns: number; text: string; toolCalls: { status: string }[] };
    expect(output).toMatchObject({ turns, text: 'done' });
    expect(output.toolCalls.map((c) => c.status)).toEqual(expected.filter((k) => k.startsWith(`${run.id}/`)).map(() => 'succeeded'));
  }
  const ours = new Set(runs.map((r) => r.id));
  const requests = tools.requests.filter((r) => ours.has(r.key?.split('/')[0] ?? ''));
  expect(tools.requests.filter((r) => r.path.startsWith('/hold/') && r.key === undefined)).toEqual([]);
  expect([...new Set(requests.map((r) => r.key!))].sort()).toEqual([...expected].sort());

  const completed = new Map<string, number>();
  for (const run of runs) for (const [key, at] of await completionTimes(temporal, run.id)) completed.set(key, at);
  let completedBeforeFault = 0;
  let ranAgain = 0;
  for (const key of expected) {
    const count = tools.byIdempotencyKey.get(key) ?? 0;
    expect(count, key).toBeGreaterThanOrEqual(1);
    expect(count, key).toBeLessThanOrEqual(2);
    if (completed.get(key)! < fault.from) {
      completedBeforeFault += 1;
      expect(count, `${key} completed before the fault`).toBe(1);
    }
    if (count === 2) {
      ranAgain += 1;
      const first = Math.min(...requests.filter((r) => r.key === key).map((r) => r.receivedAt));
      expect(first, `${key} ran again: it was in flight at the fault`).toBeLessThan(fault.to);
    }
  }
  return { calls: expected.length, completedBeforeFault, ranAgain };
}
