import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import { parseDuration } from '../../dag/duration.js';
import { nodeSummary } from '../../dag/node-summary.js';
import type { PlanNode, RetryPolicySpec } from '../../dag/plan.js';
import type { WeftActivities } from '../../activities/contract.js';

/** Heartbeats let cancellation reach long activities and a lost worker be noticed. */
const MAX_HEARTBEAT_TIMEOUT_MS = 30_000;

/**
 * The activities as one node calls them: its timeout per attempt, its retry
 * policy, and a summary naming the node in Temporal's UI (user metadata:
 * replay does not compare it, so recorded histories still replay). A node with
 * `execution: local` calls them as local activities, with the same timeout and
 * retry policy; they have no heartbeat (the validator bounds their timeouts).
 */
export function activitiesFor(node: Pick<PlanNode, 'id' | 'spec' | 'timeoutMs' | 'retry'>): WeftActivities {
  const local = 'execution' in node.spec && node.spec.execution === 'local';
  return activityProxy({ summary: nodeSummary(node), timeoutMs: node.timeoutMs, retry: node.retry, local });
}

/** The activities with one summary, timeout per attempt and retry policy (an agent's turns and tool calls have their own). */
export function activityProxy(options: { summary: string; timeoutMs: number; retry: RetryPolicySpec; local?: boolean }): WeftActivities {
  const r = options.retry;
  const common = {
    summary: options.summary,
    startToCloseTimeout: options.timeoutMs,
    retry: {
      maximumAttempts: r.maxAttempts,
      initialInterval: r.initialIntervalMs,
      backoffCoefficient: r.backoffCoefficient,
      maximumInterval: r.maxIntervalMs,
      nonRetryableErrorTypes: r.nonRetryable,
    },
  };
  if (options.local) return proxyLocalActivities<WeftActivities>(common);
  return proxyActivities<WeftActivities>({ ...common, heartbeatTimeout: Math.min(options.timeoutMs, MAX_HEARTBEAT_TIMEOUT_MS) });
}

/** `cache: {ttl}` as activity input. */
export function cacheOf(spec: { cache?: { ttl: string } | undefined }): { cache?: { ttlMs: number } } {
  return spec.cache ? { cache: { ttlMs: parseDuration(spec.cache.ttl) } } : {};
}
