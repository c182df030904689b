import { proxyActivities, sleep } from '@temporalio/workflow';
import { ExpressionError, evaluateExpression, isTruthy, resolveTemplates, resolveTemplatesDeferringSecrets } from '../dag/expressions.js';
import { parseDuration } from '../dag/duration.js';
import { FailureType } from '../dag/failure-types.js';
import type { PlanNode } from '../dag/plan.js';
import { systemPrompt } from '../dag/roles.js';
import type { AgentNode, ApprovalNode, Definition, ExecNode, HttpNode, SleepNode, SwitchNode, TransformNode } from '../dag/schema.js';
import type { ApprovalDecision, ApprovalOutput } from './messages.js';
import { loop, map, workflowNode } from './child-scopes.js';
import type { AgentActivityInput, ResolvedAgentConfig, WeftActivities } from '../activities/contract.js';
import { describeFailure, errorOf, type TryFailure } from './failures.js';

/** How a node's execution ended, before `onFailure` is applied. */
export type NodeOutcome =
  | {
      kind: 'succeeded';
      output: unknown;
      attempts: number;
      costUsd: number | null;
      fallback: number | null;
      /** A switch's branches not taken: skipped with reason `branch`. */
      notTaken?: string[];
    }
  | { kind: 'failed'; failure: TryFailure; costUsd?: number };

const succeeded = (output: unknown, extra: Partial<Extract<NodeOutcome, { kind: 'succeeded' }>> = {}): NodeOutcome => ({
  kind: 'succeeded',
  output,
  attempts: 1,
  costUsd: null,
  fallback: null,
  ...extra,
});
const failed = (type: string, message: string): NodeOutcome => ({ kind: 'failed', failure: { error: { type, message }, attempts: 1, cancelled: false } });
const failedWith = (err: unknown): NodeOutcome => ({ kind: 'failed', failure: { error: errorOf(err), attempts: 1, cancelled: false } });

/** What executors know of the run besides the node. */
export interface RunContext {
  definition: Definition;
  /** Shows the node as `waiting` (an approval, a sleep), with what people should see meanwhile. */
  markWaiting(nodeId: string, output?: unknown): void;
  /** The decision on an approval node, or null when `timeoutMs` passes first. */
  awaitDecision(nodeId: string, timeoutMs: number | undefined): Promise<ApprovalDecision | null>;
  /** The nodes this scope can see now (a child scope's outer nodes). */
  nodesView(): Record<string, { output: unknown; status: string }>;
  /** What is left of `limits.budgetUsd`, for child scopes. */
  remainingBudgetUsd(): number | undefined;
  /** The run-wide parallelism limit. */
  maxParallel: number;
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

/** `cache: {ttl}` as activity input. */
function cacheOf(spec: { cache?: { ttl: string } | undefined }): { cache?: { ttlMs: number } } {
  return spec.cache ? { cache: { ttlMs: parseDuration(spec.cache.ttl) } } : {};
}

/** A resolved template as text: strings as they are, anything else as JSON. */
function asText(value: unknown): string {
  return typeof value === 'string' ? value : value === undefined || value === null ? '' : JSON.stringify(value);
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
      // A prompt that is one template keeps its value's type; the model gets text.
      config.prompt = asText(config.prompt);
      config.system = systemPrompt(config.role, config.system === undefined ? undefined : asText(config.system), run.definition.roles);
      input = { nodeId: node.id, attemptOffset: attempts, fallback, config, deferred: resolved.deferred, upstream: node.needs.length, ...cacheOf(spec) };
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
    return { request: spec.request, ...(spec.expectStatus === undefined ? {} : { expectStatus: spec.expectStatus }), ...cacheOf(spec) };
  },
);

const exec = activityNode(
  (a, payload) => a.runExec(payload),
  (node) => {
    const { command, cwd, env, stdin, policy } = node.spec as ExecNode;
    return { command, cwd, env, stdin, policy };
  },
);

/** `switch`: picks the case whose key equals the value (or `default`); the other branches are skipped. */
const switchNode: NodeExecutor = async (node, scope) => {
  const spec = node.spec as SwitchNode;
  let value: unknown;
  try {
    value = evaluateExpression(spec.value, scope);
  } catch (err) {
    return failedWith(err);
  }
  const key = value === undefined || value === null ? null : typeof value === 'string' ? value : JSON.stringify(value);
  const matched = key !== null && Object.hasOwn(spec.cases, key);
  const taken = new Set(matched ? spec.cases[key]! : (spec.default ?? []));
  const all = new Set([...Object.values(spec.cases).flat(), ...(spec.default ?? [])]);
  return succeeded({ selected: matched ? key : spec.default ? 'default' : null }, { notTaken: [...all].filter((id) => !taken.has(id)) });
};

/** `sleep`: a durable timer for `duration`, or until the time `until` gives. */
const sleepNode: NodeExecutor = async (node, scope, run) => {
  const spec = node.spec as SleepNode;
  let ms: number;
  try {
    if (spec.duration !== undefined) {
      ms = parseDuration(String(resolveTemplates(spec.duration, scope)));
    } else {
      const until = evaluateExpression(spec.until!, scope);
      const at = typeof until === 'string' || typeof until === 'number' ? new Date(until).getTime() : Number.NaN;
      if (Number.isNaN(at)) throw new ExpressionError(`until gave ${JSON.stringify(until)}, not an ISO time`, spec.until!);
      ms = Math.max(0, at - Date.now());
    }
  } catch (err) {
    return failedWith(err);
  }
  run.markWaiting(node.id);
  if (ms > 0) await sleep(ms);
  return succeeded({ sleptMs: ms });
};

/**
 * `approval`: auto-approved when `autoApprove` holds; otherwise waits for a
 * decision through the API, up to `timeout` (then `onTimeout`). A rejection
 * fails the node unless `onReject: continue`.
 */
const approval: NodeExecutor = async (node, scope, run) => {
  const spec = node.spec as ApprovalNode;
  const decided = (approved: boolean, by: string | null, comment: string | null, auto: boolean): ApprovalOutput => ({
    approved,
    by,
    comment,
    decidedAt: new Date().toISOString(),
    auto,
  });
  let message: unknown = null;
  try {
    if (spec.autoApprove !== undefined && isTruthy(evaluateExpression(spec.autoApprove, scope))) return succeeded(decided(true, null, null, true));
    if (spec.message !== undefined) message = resolveTemplates(spec.message, scope);
  } catch (err) {
    return failedWith(err);
  }
  run.markWaiting(node.id, { message });
  const decision = await run.awaitDecision(node.id, spec.timeout ? parseDuration(spec.timeout) : undefined);
  const reject = (by: string | null, comment: string | null): NodeOutcome =>
    spec.onReject === 'continue'
      ? succeeded(decided(false, by, comment, by === null))
      : failed(FailureType.ApprovalRejected, `rejected${by ? ` by ${by}` : ' on timeout'}${comment ? `: ${comment}` : ''}`);
  if (!decision) {
    const onTimeout = spec.onTimeout ?? 'fail';
    if (onTimeout === 'approve') return succeeded(decided(true, null, null, true));
    if (onTimeout === 'reject') return reject(null, null);
    return failed(FailureType.ApprovalTimeout, `no decision within ${spec.timeout}`);
  }
  return decision.approved ? succeeded(decided(true, decision.by, decision.comment ?? null, false)) : reject(decision.by, decision.comment ?? null);
};

/** Executors of the node types this build runs (`EXECUTABLE_NODE_TYPES`); other types are refused at run start. */
export const executors: Partial<Record<string, NodeExecutor>> = {
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
};
