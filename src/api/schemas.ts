import { z } from 'zod';
import { runStatuses } from '../dag/run-state.js';
import { nodeIdSchema, workflowNameSchema } from '../dag/schema.js';
import { AppError } from './errors.js';

/** The API's request shapes; also the source of the OpenAPI document. */

const idempotencyKey = z.string().min(1).max(200);

export const startNamedRunBody = z.strictObject({
  workflow: workflowNameSchema,
  version: z.int().min(1).optional(),
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

export const diagramQuery = z.object({ format: z.enum(['mermaid']).default('mermaid'), version: z.coerce.number().int().min(1).optional() });

export const estimateBody = z.strictObject({ input: z.unknown().optional() });

export const approvalBody = z.strictObject({ approved: z.boolean(), comment: z.string().max(10_000).optional() });
export const budgetBody = z.strictObject({ budgetUsd: z.number().positive() });

/** `POST /runs/{id}/rerun`: run again from the nodes that did not succeed (`failed`) or from one node (weft-ops §6). */
export const rerunBody = z.strictObject({ from: z.union([z.literal('failed'), nodeIdSchema]).default('failed') });

/** `POST /runs/{id}/rerun` → 202. */
export const rerunResponse = z.object({
  id: z.string(),
  status: z.enum(runStatuses),
  workflow: z.string(),
  version: z.int().nullable(),
  rerunOf: z.string(),
});

export const runIdParam = z.string().regex(/^[A-Za-z0-9_.:-]{1,200}$/, 'not a run id');
export const versionParam = z.coerce.number().int().min(1);

/** Parses a request part, answering 400 with every issue on failure. */
export function parseRequest<T extends z.ZodType>(schema: T, value: unknown, what: string): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: `/${i.path.join('/')}`, message: i.message }));
    throw new AppError('BAD_REQUEST', `invalid ${what}`, { issues });
  }
  return parsed.data;
}
