import { z } from 'zod';

/** A zod schema as JSON Schema (draft 2020-12), describing what it accepts as input. */
export function zodToJsonSchema(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, { unrepresentable: 'any', io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
}
