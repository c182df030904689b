import { parseDuration } from './duration.js';
import { DEFAULT_NODE_TIMEOUT_MS, retryPolicy, type RetryPolicySpec } from './plan.js';
import type { RetrySpec } from './schema.js';

/**
 * Bounds on a node run as a Temporal local activity (`execution: local`).
 *
 * A local activity runs inside the workflow task of the worker that holds the
 * run: it has no heartbeat, so a lost worker is noticed only when the workflow
 * task times out, and then every attempt starts again from the first; while it
 * runs, signals (approvals, pause) wait for the task to end. One attempt of at
 * most a minute keeps that bounded and matches the SDK's `localRetryThreshold`
 * (backoffs up to a minute stay in the worker); five minutes for the whole
 * schedule bounds what a lost worker can cost a run.
 */
export const LOCAL_EXECUTION_LIMITS = { attemptTimeoutMs: 60_000, scheduleMs: 5 * 60_000 } as const;

/** A problem with a local node, at a JSON pointer relative to the node. */
export interface LocalExecutionIssue {
  kind: 'limit' | 'schema';
  path: string;
  message: string;
}

/** What a local node's checks read from the definition's `defaults`. */
export interface LocalDefaults {
  timeout?: unknown;
  retry?: unknown;
  agent?: unknown;
}

/**
 * The longest a node's retry schedule can take: every attempt at its full
 * timeout, plus every backoff between them.
 */
export function worstCaseScheduleMs(timeoutMs: number, retry: RetryPolicySpec): number {
  let total = timeoutMs * retry.maxAttempts;
  let backoff = retry.initialIntervalMs;
  for (let attempt = 1; attempt < retry.maxAttempts; attempt++) {
    total += Math.min(backoff, retry.maxIntervalMs);
    backoff *= retry.backoffCoefficient;
  }
  return total;
}

/**
 * Why a raw node with `execution: local` cannot run as a local activity, if it
 * cannot: an attempt timeout over a minute, a retry schedule over five minutes
 * (`LOCAL_EXECUTION_LIMITS`); a `totalTimeout`, whose workflow timer the run
 * hears only when the workflow task the local activity holds open ends (when
 * the node ends, or the SDK's task heartbeat, every ~8 s), so it would not cut
 * the node short on time; or an agent asked for JSON, whose retries carry the
 * last answer's problem to the next attempt in heartbeat details, which a local
 * activity does not have. Fields that fail their schema are left to it.
 */
export function localExecutionIssues(raw: Record<string, unknown>, defaults: LocalDefaults): LocalExecutionIssue[] {
  // Nodes run in the workflow have no `execution`: their schema reports it.
  if (raw.execution !== 'local' || !runsAsActivity(raw.type)) return [];
  const issues: LocalExecutionIssue[] = [];
  let timeoutMs: number;
  let retry: RetryPolicySpec;
  try {
    const timeout = raw.timeout ?? defaults.timeout;
    timeoutMs = typeof timeout === 'string' ? parseDuration(timeout) : DEFAULT_NODE_TIMEOUT_MS;
    retry = retryPolicy(defaults.retry as RetrySpec | undefined, raw.retry as RetrySpec | undefined);
  } catch {
    return [];
  }
  const { attemptTimeoutMs, scheduleMs } = LOCAL_EXECUTION_LIMITS;
  if (timeoutMs > attemptTimeoutMs) {
    const given = raw.timeout !== undefined ? `is ${String(raw.timeout)}` : defaults.timeout !== undefined ? `is ${String(defaults.timeout)} (defaults.timeout)` : 'defaults to 10m';
    issues.push({ kind: 'limit', path: '/timeout', message: `execution: local needs a timeout of at most ${attemptTimeoutMs / 1000}s per attempt; this node's ${given}` });
  } else if (worstCaseScheduleMs(timeoutMs, retry) > scheduleMs) {
    issues.push({
      kind: 'limit',
      path: '/retry',
      message: `execution: local needs every attempt and backoff together to fit in ${scheduleMs / 60_000}m; this node's ${retry.maxAttempts} attempts of ${timeoutMs}ms and their backoffs take up to ${Math.round(worstCaseScheduleMs(timeoutMs, retry) / 1000)}s`,
    });
  }
  if (raw.totalTimeout !== undefined) {
    issues.push({ kind: 'schema', path: '/totalTimeout', message: 'execution: local cannot honour totalTimeout on time: the run hears its timer only when the local activity ends; bound the node with timeout and retry' });
  }
  if (raw.type === 'agent') issues.push(...jsonAgentIssues(raw, asRecord(defaults.agent)));
  return issues;
}

function jsonAgentIssues(raw: Record<string, unknown>, defaultAgent: Record<string, unknown>): LocalExecutionIssue[] {
  const primary = { ...defaultAgent, ...asRecord(raw.agent) };
  const configs: [string, Record<string, unknown>][] = [['/agent/output', primary]];
  // A fallback that inherits the primary's JSON is reported at the primary already.
  if (Array.isArray(raw.fallback)) raw.fallback.forEach((entry, i) => configs.push([`/fallback/${i}/output`, asRecord(entry)]));
  return configs
    .filter(([, config]) => config.output === 'json')
    .map(([path]) => ({
      kind: 'schema' as const,
      path,
      message: 'execution: local cannot run an agent with output: json: its retries tell the next attempt what was wrong through heartbeat details, which a local activity has not; run it as an activity',
    }));
}

function runsAsActivity(type: unknown): boolean {
  return type === 'agent' || type === 'http' || type === 'exec' || (typeof type === 'string' && type.includes('.'));
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
