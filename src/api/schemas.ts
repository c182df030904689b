import { z } from 'zod';
import { runStatuses } from '../dag/run-state.js';
import { durationProblem, parseDuration } from '../dag/duration.js';
import { prioritySchema } from '../dag/priority.js';
import { durationSchema, nodeIdSchema, workflowNameSchema } from '../dag/schema.js';
import { AppError } from './errors.js';
import { cronProblem, isTimeZone } from './schedule-spec.js';

/** The API's request shapes; also the source of the OpenAPI document. */

const idempotencyKey = z.string().min(1).max(200);
/** Versions are stored as PostgreSQL integers: a larger number names no version and must not reach the query. */
const version = z.int().min(1).max(2_147_483_647);

export const startNamedRunBody = z.strictObject({
  workflow: workflowNameSchema,
  version: version.optional(),
  input: z.unknown().optional(),
  idempotencyKey: idempotencyKey.optional(),
  priority: prioritySchema.optional(),
});

export const startAdHocRunBody = z.strictObject({
  /** A definition object, or its YAML/JSON text. */
  definition: z.union([z.record(z.string(), z.unknown()), z.string()]),
  input: z.unknown().optional(),
  idempotencyKey: idempotencyKey.optional(),
  priority: prioritySchema.optional(),
});

export const startRunBody = z.union([startNamedRunBody, startAdHocRunBody]);

export const listRunsQuery = z.object({
  workflow: workflowNameSchema.optional(),
  status: z.enum(runStatuses).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});

export const diagramQuery = z.object({ format: z.enum(['mermaid']).default('mermaid'), version: z.coerce.number().pipe(version).optional() });

export const estimateBody = z.strictObject({ input: z.unknown().optional() });

/** `POST /workflows?baseVersion=`: store only if that is still the latest version (0: a new workflow); else 409 CONFLICT. */
export const saveWorkflowQuery = z.strictObject({ baseVersion: z.coerce.number().pipe(z.int().min(0)).optional() });

/** The cost estimate of a definition not stored (the studio's draft). */
export const draftEstimateBody = z.strictObject({ definition: z.union([z.record(z.string(), z.unknown()), z.string()]), input: z.unknown().optional() });

export const approvalBody = z
  .strictObject({
    approved: z.boolean(),
    comment: z.string().max(10_000).optional(),
    /** A tool call of an agent node (its `pendingToolCalls` entry) rather than an approval node (weft-agents 3.2). */
    callId: z.string().min(1).max(1_024).optional(),
    /** An approved call's arguments, edited; checked against the tool's parameters. */
    args: z.unknown().optional(),
  })
  .refine((b) => b.args === undefined || (b.callId !== undefined && b.approved), { message: 'args needs callId and approved: true', path: ['args'] });
export const budgetBody = z.strictObject({ budgetUsd: z.number().positive() });

/** `POST /runs/{id}/rerun`: run again from the nodes that did not succeed (`failed`) or from one node (weft-ops §6). */
export const rerunBody = z.strictObject({ from: z.union([z.literal('failed'), nodeIdSchema]).default('failed') }).default({ from: 'failed' });

/** `GET /events` filters. */
export const eventsQuery = z.strictObject({
  workflow: workflowNameSchema.optional(),
  status: z.enum(runStatuses).optional(),
});

/** `Last-Event-ID`: the id of the last event a reconnecting client got. */
export const lastEventId = z.string().regex(/^\d{1,15}$/, 'must be an event id this API sent').transform(Number).optional();

/** `?wait=30s`: how long to hold the answer for the run to end (at most 60 s, contract weft-ops §2). */
export const waitQuery = z.strictObject({
  wait: durationSchema
    .transform(parseDuration)
    .refine((ms) => ms <= 60_000, 'must be at most 60s')
    .optional(),
});

export const runIdParam = z.string().regex(/^[A-Za-z0-9_.:-]{1,200}$/, 'not a run id');
export const versionParam = z.coerce.number().pipe(version);

/** Overlap policies of a schedule (contract weft-ops §5). */
export const scheduleOverlaps = ['skip', 'buffer_one', 'buffer_all', 'cancel_other', 'terminate_other', 'allow_all'] as const;
export type ScheduleOverlap = (typeof scheduleOverlaps)[number];

export const scheduleIdParam = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must match [a-z0-9][a-z0-9-]{0,62}');
const cronSchema = z.string().superRefine((cron, ctx) => {
  const problem = cronProblem(cron);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
const everySchema = durationSchema
  // zod runs this even when the duration failed: only a duration is measured.
  .refine((d) => durationProblem(d) !== undefined || parseDuration(d) >= 1_000, 'must be at least 1s');
const timezoneSchema = z.string().refine(isTimeZone, 'must be an IANA time zone such as Europe/Paris');

const oneSpec = (b: { cron?: string | undefined; every?: string | undefined }) => b.cron === undefined || b.every === undefined;

export const createScheduleBody = z
  .strictObject({
    id: scheduleIdParam,
    workflow: workflowNameSchema,
    version: version.optional(),
    input: z.unknown().optional(),
    cron: cronSchema.optional(),
    every: everySchema.optional(),
    timezone: timezoneSchema.optional(),
    overlap: z.enum(scheduleOverlaps).optional(),
    paused: z.boolean().optional(),
    note: z.string().max(1_000).optional(),
    /** Its runs' priority; without one, the definition's `limits.priority` when each run starts. */
    priority: prioritySchema.optional(),
  })
  .refine(oneSpec, { message: 'give cron or every, not both', path: ['every'] })
  .refine((b) => b.cron !== undefined || b.every !== undefined, { message: 'give cron or every', path: ['cron'] });
export type CreateScheduleBody = z.infer<typeof createScheduleBody>;

export const updateScheduleBody = z
  .strictObject({
    workflow: workflowNameSchema.optional(),
    /** null: the latest version from now on. */
    version: version.nullable().optional(),
    input: z.unknown().optional(),
    cron: cronSchema.optional(),
    every: everySchema.optional(),
    timezone: timezoneSchema.optional(),
    overlap: z.enum(scheduleOverlaps).optional(),
    note: z.string().max(1_000).optional(),
    /** null: the definition's `limits.priority` from now on. */
    priority: prioritySchema.nullable().optional(),
  })
  .refine(oneSpec, { message: 'give cron or every, not both', path: ['every'] });
export type UpdateScheduleBody = z.infer<typeof updateScheduleBody>;

/**
 * Parses a body whose problems are the user's content, not the request's form:
 * 422 VALIDATION_FAILED with each field's JSON pointer.
 */
export function parseContent<T extends z.ZodType>(schema: T, value: unknown, what: string): z.infer<T> {
  return parseOr(schema, value, (problems) => new AppError('VALIDATION_FAILED', `invalid ${what}`, { errors: problems }));
}

/** Parses a request part, answering 400 with every issue on failure. */
export function parseRequest<T extends z.ZodType>(schema: T, value: unknown, what: string): z.infer<T> {
  return parseOr(schema, value, (problems) => new AppError('BAD_REQUEST', `invalid ${what}`, { issues: problems }));
}

function parseOr<T extends z.ZodType>(schema: T, value: unknown, refuse: (problems: { path: string; message: string }[]) => AppError): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw refuse(parsed.error.issues.map((i) => ({ path: `/${i.path.join('/')}`, message: i.message })));
}
