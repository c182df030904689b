import { proxyActivities } from '@temporalio/workflow';
import { parseDuration } from '../../dag/duration.js';
import { nodeSummary } from '../../dag/node-summary.js';
import type { PlanNode } from '../../dag/plan.js';
import type { WeftActivities } from '../../activities/contract.js';

/** Heartbeats let cancellation reach long activities and a lost worker be noticed. */
const MAX_HEARTBEAT_TIMEOUT_MS = 30_000;

/**
 * The activities as one node calls them: its timeout per attempt, its retry
 * policy, and a summary naming the node in Temporal's UI (user metadata:
 * replay does not compare it, so recorded histories still replay).
 */
export function activitiesFor(node: Pick<PlanNode, 'id' | 'spec' | 'timeoutMs' | 'retry'>): WeftActivities {
  const r = node.retry;
  return proxyActivities<WeftActivities>({
    summary: nodeSummary(node),
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
export function cacheOf(spec: { cache?: { ttl: string } | undefined }): { cache?: { ttlMs: number } } {
  return spec.cache ? { cache: { ttlMs: parseDuration(spec.cache.ttl) } } : {};
}
