import { z } from 'zod';
import { runStatuses } from '../dag/run-state.js';
import { workflowNameSchema } from '../dag/schema.js';
import { AppError } from './errors.js';

/** The API's request shapes; also the source of the OpenAPI document. */

const idempotencyKey = z.string().min(1).max(200);
/** Versions are stored as PostgreSQL integers: a larger number names no version and must not reach the query. */
const version = z.int().min(1).max(2_147_483_647);

export const startNamedRunBody = z.strictObject({
  workflow: workflowNameSchema,
  version: version.optional(),
  input: z.unknown().optional(),
  idempotencyKey: idempotencyKey.optional(),
});

export const startAdHocRunBody = z.strictObject({
  /** A definition object, or its YAML/JSON text. */
  definition: z.union([z.record(z.string(), z.unknown()), z.string()]),
  input: z.unknown().optional(),
  idempotencyKey: idempotencyKey.optional(),
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

export const approvalBody = z.strictObject({ approved: z.boolean(), comment: z.string().max(10_000).optional() });
export const budgetBody = z.strictObject({ budgetUsd: z.number().positive() });

export const runIdParam = z.string().regex(/^[A-Za-z0-9_.:-]{1,200}$/, 'not a run id');
export const versionParam = z.coerce.number().pipe(version);

/** Parses a request part, answering 400 with every issue on failure. */
export function parseRequest<T extends z.ZodType>(schema: T, value: unknown, what: string): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: `/${i.path.join('/')}`, message: i.message }));
    throw new AppError('BAD_REQUEST', `invalid ${what}`, { issues });
  }
  return parsed.data;
}
