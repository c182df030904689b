import { z } from 'zod';
import { nodeStatuses, runStatuses } from '../dag/run-state.js';
import { WarningCode } from '../dag/validation-issues.js';
import { roles } from '../db/schema/api-keys.js';
import { scheduleOverlaps } from './schemas.js';

/** The API's response shapes: handlers give these (dates as `Date`), the wire carries their encoding, the OpenAPI document describes it. */

/** A timestamp: a `Date` in handlers, ISO 8601 on the wire. */
export const timestamp = z.codec(z.iso.datetime({ offset: true }), z.date(), {
  decode: (text) => new Date(text),
  encode: (date) => date.toISOString(),
});

/** A JSON value of any shape (run inputs and outputs, definitions). */
const anyJson = z.unknown();

const workflowSummary = z.object({ name: z.string(), description: z.string().nullable(), latestVersion: z.int(), createdAt: timestamp, updatedAt: timestamp });
export const workflowList = z.object({ items: z.array(workflowSummary) });

export const storedVersion = z.object({
  name: z.string(),
  version: z.int(),
  hash: z.string(),
  definition: z.record(z.string(), anyJson),
  source: z.string().nullable(),
  createdBy: z.string().nullable(),
  createdAt: timestamp,
});
/** `GET /runs/{id}/definition`: the definition a run is pinned to (version null: ad-hoc). */
export const runDefinition = z.object({ workflow: z.string(), version: z.int().nullable(), definition: z.record(z.string(), anyJson) });
export const workflowDetail = storedVersion.extend({ versions: z.array(z.object({ version: z.int(), hash: z.string(), createdAt: timestamp })) });
/** A validation warning (a model its vendor deprecated): the definition stays valid. */
export const validationWarning = z.object({ code: z.enum(Object.values(WarningCode)), path: z.string(), message: z.string() });
export const savedWorkflow = z.object({ name: z.string(), version: z.int(), hash: z.string(), warnings: z.array(validationWarning) });

export const validation = z.object({
  valid: z.literal(true),
  plan: z.object({
    nodes: z.array(z.object({ id: z.string(), type: z.string(), needs: z.array(z.string()), trigger: z.string() })),
    levels: z.array(z.array(z.string())),
    sinks: z.array(z.string()),
    maxParallel: z.int(),
  }),
  warnings: z.array(validationWarning),
});

const basis = z.enum(['history', 'prompt-size']);
export const estimate = z.object({
  minUsd: z.number(),
  maxUsd: z.number(),
  basis: z.enum([...basis.options, 'mixed', 'none']),
  nodes: z.record(z.string(), z.object({ minUsd: z.number(), maxUsd: z.number(), basis })),
  unpriced: z.array(z.string()),
});

const runStatus = z.enum(runStatuses);
export const startedRun = z.object({ id: z.string(), status: runStatus, workflow: z.string(), version: z.int().nullable() });
export const runAccepted = z.object({ id: z.string(), status: runStatus });
export const budgetAccepted = runAccepted.extend({ budgetUsd: z.number() });
/** `POST /runs/{id}/rerun` → 202 (contract weft-ops §6). */
export const rerunAccepted = startedRun.extend({ rerunOf: z.string() });

/** What started a run (contract weft-ops §5); null for a run started outside the API. */
const runTrigger = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('api'), keyId: z.string().nullable() }),
    z.object({ type: z.literal('rerun'), runId: z.string() }),
    z.object({ type: z.literal('schedule'), scheduleId: z.string() }),
  ])
  .nullable();

const isoText = z.iso.datetime({ offset: true });
const runSummary = startedRun.extend({ degraded: z.boolean(), costUsd: z.number(), priority: z.int().min(1).max(5), startedAt: isoText, endedAt: isoText.nullable(), trigger: runTrigger });
export const runList = z.object({ items: z.array(runSummary), nextCursor: z.string().nullable() });

const nodeRecord = z.object({
  status: z.enum(nodeStatuses),
  attempts: z.int(),
  startedAt: isoText.nullable(),
  endedAt: isoText.nullable(),
  output: anyJson.optional(),
  error: z.object({ type: z.string(), message: z.string() }).nullable(),
  costUsd: z.number().nullable(),
  degraded: z.boolean(),
  fallback: z.int().nullable(),
  skippedReason: z.enum(['condition', 'branch', 'upstream', 'onFailure']).nullable(),
  plugin: z.object({ name: z.string(), version: z.string() }).optional(),
  reused: z.boolean().optional(),
  reusedFrom: z.string().optional(),
  /** An agent node's tool calls waiting for a decision (weft-agents 3.2). */
  pendingToolCalls: z.array(z.object({ callId: z.string(), tool: z.string(), args: anyJson, turn: z.int(), requestedAt: isoText, scope: z.string().optional() })).optional(),
});
export const run = runSummary.extend({
  input: anyJson.optional(),
  output: anyJson.optional(),
  error: z.object({ code: z.string(), message: z.string(), node: z.string().optional() }).nullable(),
  nodes: z.record(z.string(), nodeRecord),
});

export const nodeDetail = nodeRecord.extend({
  id: z.string(),
  runId: z.string(),
  attempts: z.array(
    z.object({
      attempt: z.int(),
      status: z.string(),
      fallback: z.int().nullable(),
      startedAt: isoText.nullable(),
      endedAt: isoText.nullable(),
      output: anyJson.optional(),
      error: anyJson.optional(),
      costUsd: z.number().nullable(),
      detail: anyJson.optional(),
    }),
  ),
  /** An agent loop's turns (weft-agents 3.5); a sub-agent's are under the result of its call. */
  conversation: z.array(anyJson).optional(),
});

export const approval = z.object({ approved: z.boolean(), by: z.string().nullable(), comment: z.string().nullable(), decidedAt: isoText, auto: z.boolean() });

export const pluginList = z.object({
  items: z.array(
    z.object({
      name: z.string(),
      version: z.string(),
      nodeTypes: z.array(z.object({ type: z.string(), description: z.string(), configSchema: z.record(z.string(), anyJson) })),
      hooks: z.array(z.string()),
    }),
  ),
});

const scheduleSpec = z.object({ cron: z.string().optional(), every: z.string().optional(), timezone: z.string().optional() });
/** A schedule (contract weft-ops §5). */
export const schedule = z.object({
  id: z.string(),
  workflow: z.string(),
  version: z.int().nullable(),
  input: anyJson.optional(),
  spec: scheduleSpec,
  overlap: z.enum(scheduleOverlaps),
  paused: z.boolean(),
  note: z.string().nullable(),
  priority: z.int().min(1).max(5),
  nextRuns: z.array(isoText),
  recentRuns: z.array(z.object({ runId: z.string(), scheduledAt: isoText, status: z.string() })),
});
export const scheduleList = z.object({ items: z.array(schedule) });

/** `GET /whoami`: who the caller's key is, which the dashboard asks at sign-in to offer only what the role may do (weft-ops §11). */
export const identityResponse = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(roles),
  /** `key`: an API key; `user`: a person's session (weft-ops §15). */
  kind: z.enum(['key', 'user']),
  /** As audit records name the caller: `key:<prefix>` or `user:<email>`. */
  ref: z.string(),
  /** A session's CSRF token, to send as `X-CSRF-Token` on its mutations; absent for keys. */
  csrfToken: z.string().optional(),
});
