import { z } from 'zod';
import { workflowNameSchema } from '../dag/schema.js';
import { costGroups } from '../db/analytics/analytics-repo.js';
import { recommendationKinds, severities } from './analytics/recommendations.js';

/** Request and response shapes of `/analytics` and `/runs/{id}/critical-path` (weft-ops §7). */

/** Analytics read the last 30 days unless told. */
export const DEFAULT_WINDOW_DAYS = 30;

const since = z.iso.datetime({ offset: true }).optional();
const until = z.iso.datetime({ offset: true }).optional();
const page = { limit: z.coerce.number().int().min(1).max(500).default(100), cursor: z.string().max(200).optional() };

export const summaryQuery = z.object({ since, until, workflow: workflowNameSchema.optional() });
export const workflowAnalyticsQuery = z.object({ since, ...page });
export const costsQuery = z.object({ since, until, groupBy: z.enum(costGroups).default('workflow'), ...page });
export const recommendationsQuery = z.object({ workflow: workflowNameSchema.optional(), since, ...page });

const percentiles = z.object({ p50: z.number().nullable(), p95: z.number().nullable() });

export const summaryResponse = z.object({
  since: z.iso.datetime(),
  until: z.iso.datetime(),
  runs: z.object({ total: z.int(), succeeded: z.int(), failed: z.int(), cancelled: z.int(), timedOut: z.int() }),
  /** Succeeded among ended runs; null when none ended. */
  successRate: z.number().nullable(),
  durationMs: percentiles,
  costUsd: z.number(),
  tokens: z.object({ input: z.number(), output: z.number() }),
  byDay: z.array(z.object({ day: z.string(), runs: z.int(), failed: z.int(), costUsd: z.number() })),
});

export const workflowNodeAnalytics = z.object({
  id: z.string(),
  type: z.string().nullable(),
  executions: z.int(),
  successRate: z.number(),
  attemptsMean: z.number(),
  retries: z.int(),
  fallbacks: z.int(),
  cacheHitRate: z.number(),
  durationMs: percentiles,
  costUsd: z.object({ total: z.number(), mean: z.number().nullable() }),
  /** Share of runs whose critical path holds the node. */
  onCriticalPath: z.number(),
});

export const workflowAnalyticsResponse = z.object({
  workflow: z.string(),
  since: z.iso.datetime(),
  runs: z.int(),
  successRate: z.number().nullable(),
  durationMs: percentiles,
  costUsd: z.number(),
  nodes: z.array(workflowNodeAnalytics),
  nextCursor: z.string().nullable(),
});

export const costsResponse = z.object({
  items: z.array(z.object({ key: z.string(), costUsd: z.number(), inputTokens: z.number(), outputTokens: z.number(), runs: z.int() })),
  nextCursor: z.string().nullable(),
});

export const criticalPathResponse = z.object({
  totalMs: z.number(),
  nodes: z.array(z.object({ id: z.string(), startedAt: z.string().nullable(), endedAt: z.string().nullable(), durationMs: z.number().nullable(), waitedMs: z.number() })),
});

export const recommendationsResponse = z.object({
  items: z.array(
    z.object({
      kind: z.enum(recommendationKinds),
      workflow: z.string(),
      node: z.string().nullable(),
      severity: z.enum(severities),
      evidence: z.record(z.string(), z.unknown()),
      suggestion: z.string(),
    }),
  ),
  nextCursor: z.string().nullable(),
});
