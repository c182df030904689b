import type { z } from 'zod';
import { pointerSegment } from '../dag/validate.js';
import { zodToJsonSchema } from '../json-schema/from-zod.js';
import { compileJsonSchema } from '../json-schema/validator.js';

/** One problem with a node's config; `path` is a JSON pointer within the config (`''` is the config itself). */
export interface ConfigIssue {
  path: string;
  message: string;
}

export type ConfigCheck = { ok: true; value: unknown } | { ok: false; issues: ConfigIssue[] };

/** A node type's config schema, whichever way the plugin wrote it. */
export interface ConfigSchema {
  /** As JSON Schema (draft 2020-12), for listing and the OpenAPI document. */
  jsonSchema: Record<string, unknown>;
  /** Checks a config; a zod schema's parsed value (defaults, transforms) is what `run` gets. */
  check(value: unknown): ConfigCheck;
}

/** Whether a value is a zod schema (duck-typed: the plugin may bundle its own copy of zod). */
function isZodSchema(value: object): value is z.ZodType {
  return typeof (value as { safeParse?: unknown }).safeParse === 'function';
}

/**
 * Compiles a node type's `config`: a zod 4 schema, or a JSON Schema checked with
 * ajv's draft 2020-12 build.
 * @throws Error naming the reason when the schema is unusable.
 */
export function compileConfigSchema(raw: object): ConfigSchema {
  if (isZodSchema(raw)) {
    let jsonSchema: Record<string, unknown>;
    try {
      jsonSchema = zodToJsonSchema(raw);
    } catch (err) {
      throw new Error(`config is a zod schema that cannot be described as JSON Schema (zod 4 is required): ${(err as Error).message}`);
    }
    return {
      jsonSchema,
      check(value) {
        const parsed = raw.safeParse(value);
        if (parsed.success) return { ok: true, value: parsed.data };
        return { ok: false, issues: parsed.error.issues.map((i) => ({ path: i.path.map((k) => `/${pointerSegment(String(k))}`).join(''), message: i.message })) };
      },
    };
  }
  let validate: ReturnType<typeof compileJsonSchema>;
  try {
    validate = compileJsonSchema(raw);
  } catch (err) {
    throw new Error(`config is not a valid JSON Schema: ${(err as Error).message}`);
  }
  return {
    jsonSchema: raw as Record<string, unknown>,
    check(value) {
      if (validate(value)) return { ok: true, value };
      return {
        ok: false,
        issues: (validate.errors ?? []).map((e) => {
          // ajv reports an extra property at its parent; point at the property itself.
          const extra = e.keyword === 'additionalProperties' ? `/${pointerSegment(String(e.params.additionalProperty))}` : '';
          return { path: `${e.instancePath}${extra}`, message: e.message ?? 'invalid' };
        }),
      };
    },
  };
}
