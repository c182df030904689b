import { condition } from '@temporalio/workflow';
import { agentEvent, progressEvent } from '../dag/run-events.js';
import type { RunMachine } from '../dag/run-machine.js';
import { runEvents } from './event-sink.js';
import type { ApprovalDecision, RunWorkflowInput } from './messages.js';
import type { RunContext } from './nodes/executor.js';

/**
 * What a run's executors see of it (`RunContext`): its identity and
 * definition, the machine's state, its events, and the decisions that arrive.
 * Only a run's own top-level nodes have events; a child run that is a part of
 * one (`args.scope`) has none.
 */
export function runContext(runId: string, args: RunWorkflowInput, machine: RunMachine, decisions: ReadonlyMap<string, ApprovalDecision>): RunContext {
  return {
    runId,
    definition: args.definition,
    input: args.input,
    hooks: args.hooks,
    engine: args.engine,
    maxParallel: machine.plan.maxParallel,
    cancelled: () => machine.status === 'cancelled',
    wait: (id, output) => machine.wait(id, output),
    waitCalls: (id, calls) => machine.waitCalls(id, calls),
    agentEvent: (id, event) => {
      if (!args.scope) runEvents.append(runId, args.workflow, [agentEvent({ ...event, runId, nodeId: id })]);
    },
    paused: () => machine.paused,
    progress: (id, done, total) => {
      if (!args.scope) runEvents.append(runId, args.workflow, [progressEvent(runId, id, machine.record(id), done, total)]);
    },
    nodes: () => machine.nodes(),
    remainingBudgetUsd: () => machine.remainingBudgetUsd(),
    awaitDecision: async (id, timeoutMs) => {
      const arrived = () => decisions.has(id);
      if (timeoutMs === undefined) await condition(arrived);
      else if (!(await condition(arrived, timeoutMs))) return null;
      return decisions.get(id)!;
    },
  };
}
