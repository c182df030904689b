import { proxyActivities } from '@temporalio/workflow';
import { resolveTemplates, resolveTemplatesDeferringSecrets } from '../dag/expressions.js';
import type { PlanNode } from '../dag/plan.js';
import { systemPrompt } from '../dag/roles.js';
import type { AgentNode, Definition, ExecNode, HttpNode, TransformNode } from '../dag/schema.js';
import type { AgentActivityInput, ResolvedAgentConfig, WeftActivities } from '../activities/contract.js';
import { describeFailure, errorOf, type TryFailure } from './failures.js';

/** How a node's execution ended, before `onFailure` is applied. */
export type NodeOutcome =
  | { kind: 'succeeded'; output: unknown; attempts: number; costUsd: number | null; fallback: number | null }
  | { kind: 'failed'; failure: TryFailure };

/** What executors know of the run besides the node. */
export interface RunContext {
  definition: Definition;
}

/** An executor runs one node of its type against the expression scope. */
export type NodeExecutor = (node: PlanNode, scope: object, run: RunContext) => Promise<NodeOutcome>;

/** Heartbeats let cancellation reach long activities and a lost worker be noticed. */
const MAX_HEARTBEAT_TIMEOUT_MS = 30_000;

function activitiesFor(node: PlanNode): WeftActivities {
  const r = node.retry;
  return proxyActivities<WeftActivities>({
    startToCloseTimeout: node.timeoutMs,
    heartbeatTimeout: Math.min(node.timeoutMs, MAX_HEARTBEAT_TIMEOUT_MS),
    retry: {
      maximumAttempts: r.maxAttempts,
      initialInterval: r.initialIntervalMs,
      backoffCoefficient: r.backoffCoefficient,
      maximumInterval: r.maxIntervalMs,
      nonRetryableErrorTypes: r.nonRetryable,
    },
  });
}

/** `transform`: the node's `output`, templates resolved, in the workflow. */
const transform: NodeExecutor = async (node, scope) => {
  try {
    const output = resolveTemplates((node.spec as TransformNode).output, scope);
    return { kind: 'succeeded', output, attempts: 1, costUsd: null, fallback: null };
  } catch (err) {
    return { kind: 'failed', failure: { error: errorOf(err), attempts: 1, cancelled: false } };
  }
};

/**
 * `agent`: one LLM call as an activity with the node's retry policy; when the
 * primary's attempts are spent, each `fallback` entry in turn (contract 3.3).
 * `attempts` counts every attempt, fallbacks included.
 */
const agent: NodeExecutor = async (node, scope, run) => {
  const spec = node.spec as AgentNode;
  const activities = activitiesFor(node);
  const configs = [spec.agent, ...(spec.fallback ?? []).map((entry) => ({ ...spec.agent, ...entry }))];
  let attempts = 0;
  let last: TryFailure | undefined;
  for (const [i, raw] of configs.entries()) {
    let input: AgentActivityInput;
    const fallback = i === 0 ? null : i - 1;
    try {
      const resolved = resolveTemplatesDeferringSecrets(raw, scope);
      const config = resolved.value as ResolvedAgentConfig;
      config.system = systemPrompt(config.role, config.system, run.definition.roles);
      input = { nodeId: node.id, attemptOffset: attempts, fallback, config, deferred: resolved.deferred, upstream: node.needs.length };
    } catch (err) {
      return { kind: 'failed', failure: { error: errorOf(err), attempts: Math.max(attempts, 1), cancelled: false } };
    }
    try {
      const result = await activities.runAgent(input);
      attempts += result.attempt;
      return { kind: 'succeeded', output: result.output, attempts, costUsd: result.output.costUsd, fallback };
    } catch (err) {
      last = describeFailure(err, node.retry.maxAttempts);
      attempts += last.attempts;
      if (last.cancelled) throw err;
    }
  }
  return { kind: 'failed', failure: { ...last!, attempts } };
};

/**
 * A node run by one activity (http, exec): its fields resolved here, except
 * templates that read secrets, which the activity resolves.
 */
function activityNode(call: (activities: WeftActivities, payload: never) => Promise<{ output: unknown; attempt: number }>, fields: (node: PlanNode) => object): NodeExecutor {
  return async (node, scope) => {
    let payload: object;
    try {
      const resolved = resolveTemplatesDeferringSecrets(fields(node), scope);
      payload = { ...(resolved.value as object), nodeId: node.id, deferred: resolved.deferred };
    } catch (err) {
      return { kind: 'failed', failure: { error: errorOf(err), attempts: 1, cancelled: false } };
    }
    try {
      const result = await call(activitiesFor(node), payload as never);
      return { kind: 'succeeded', output: result.output, attempts: result.attempt, costUsd: null, fallback: null };
    } catch (err) {
      const failure = describeFailure(err, node.retry.maxAttempts);
      if (failure.cancelled) throw err;
      return { kind: 'failed', failure };
    }
  };
}

const http = activityNode(
  (a, payload) => a.runHttp(payload),
  (node) => {
    const spec = node.spec as HttpNode;
    return { request: spec.request, ...(spec.expectStatus === undefined ? {} : { expectStatus: spec.expectStatus }) };
  },
);

const exec = activityNode(
  (a, payload) => a.runExec(payload),
  (node) => {
    const { command, cwd, env, stdin, policy } = node.spec as ExecNode;
    return { command, cwd, env, stdin, policy };
  },
);

/** Executors of the node types this build runs (`EXECUTABLE_NODE_TYPES`); other types are refused at run start. */
export const executors: Partial<Record<string, NodeExecutor>> = { agent, transform, http, exec };
