import { CancellationScope, isCancellation } from '@temporalio/workflow';
import { evaluateExpression, isTruthy } from '../../dag/expressions.js';
import { FailureType } from '../../dag/failure-types.js';
import { conditionFalse, failed, type NodeOutcome } from '../../dag/outcome.js';
import type { NodeKind, PlanNode, PlanNodeOf } from '../../dag/plan.js';
import { errorOf } from '../failures.js';
import { agent } from './agent.js';
import { approval } from './approval.js';
import { exec } from './exec.js';
import type { NodeExecutor, RunContext } from './executor.js';
import { http } from './http.js';
import { loop } from './loop.js';
import { map } from './map.js';
import { plugin } from './plugin.js';
import { sleepNode } from './sleep.js';
import { switchNode } from './switch.js';
import { transform } from './transform.js';
import { workflowNode } from './workflow.js';

/** Every node kind's executor: a kind without one is a type error. */
const executors: { [K in NodeKind]: NodeExecutor<K> } = {
  agent,
  transform,
  http,
  exec,
  switch: switchNode,
  sleep: sleepNode,
  approval,
  loop,
  map,
  workflow: workflowNode,
  plugin,
};

/** Kinds whose work happens in an activity, which reports hook events itself; the others run inside the workflow. */
export const ACTIVITY_KINDS: ReadonlySet<NodeKind> = new Set<NodeKind>(['agent', 'http', 'exec', 'plugin']);

/**
 * Whether a node's activities report its hook events themselves: an activity
 * kind's do, except an agent with tools, whose loop is many activities and
 * reports as the interpreter's in-workflow nodes do.
 */
export function reportsOwnHooks(node: PlanNode): boolean {
  if (node.kind === 'agent') return !(node.spec as { agent: { tools?: string[] } }).agent.tools?.length;
  return ACTIVITY_KINDS.has(node.kind);
}

function dispatch<K extends NodeKind>(node: PlanNodeOf<K>, bindings: object, run: RunContext): Promise<NodeOutcome> | NodeOutcome {
  return executors[node.kind](node, bindings, run);
}

/**
 * Runs a node: decides `when` (false → skipped), then calls `begin` and its
 * kind's executor, bounded by `totalTimeout` when it has one (every attempt and
 * fallback together; past it, whatever runs is cancelled). Not `async`: an
 * outcome known at once is returned as it is, and an executor's promise as it
 * is, not wrapped in another (the SDK captures a stack trace per promise).
 */
export function executeNode(node: PlanNode, bindings: object, run: RunContext, begin: () => { attempts: number }): Promise<NodeOutcome> | NodeOutcome {
  if (node.spec.when !== undefined) {
    try {
      if (!isTruthy(evaluateExpression(node.spec.when, bindings))) return conditionFalse;
    } catch (err) {
      return failed(errorOf(err), { attempts: 0 });
    }
  }
  const record = begin();
  if (node.totalTimeoutMs === null) return dispatch(node, bindings, run);
  return withTotalTimeout(node, node.totalTimeoutMs, record, () => dispatch(node, bindings, run), run);
}

/** The node's executor, cancelled past `totalTimeout`: then a failed outcome (TIMEOUT), unless the run itself was cancelled. */
async function withTotalTimeout(node: PlanNode, timeoutMs: number, record: { attempts: number }, execute: () => Promise<NodeOutcome> | NodeOutcome, run: RunContext): Promise<NodeOutcome> {
  const deadline = Date.now() + timeoutMs;
  try {
    // Promise.resolve hands an executor's promise back as it is: no extra promise, no extra microtask.
    return await CancellationScope.withTimeout(timeoutMs, () => Promise.resolve(execute()));
  } catch (err) {
    if (!isCancellation(err) || Date.now() < deadline || run.cancelled()) throw err;
    return failed({ type: FailureType.Timeout, message: `totalTimeout ${node.spec.totalTimeout} exceeded` }, { attempts: Math.max(record.attempts, 1) });
  }
}
