import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { canonicalJson } from '../dag/parse.js';

const ajv = new Ajv2020({ allErrors: true, strict: false });
const compiled = new Map<string, ValidateFunction>();
const MAX_COMPILED = 500;

/**
 * Compiles a JSON Schema (draft 2020-12), caching by content: run inputs and
 * agent outputs check the same few schemas over and over.
 * @throws Error when the schema itself is invalid.
 */
export function compileJsonSchema(schema: object): ValidateFunction {
  const key = canonicalJson(schema);
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile(schema);
    if (compiled.size >= MAX_COMPILED) compiled.delete(compiled.keys().next().value!);
    compiled.set(key, validate);
  }
  return validate;
}

/** The violations of `value` against `schema`, as `{path, message}`; empty when valid. */
export function schemaViolations(schema: object, value: unknown): { path: string; message: string }[] {
  const validate = compileJsonSchema(schema);
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e) => ({ path: e.instancePath || '/', message: e.message ?? 'invalid' }));
}

/** Why a JSON Schema cannot be compiled, or null when it can (a definition's `input`, a tool's `parameters`). */
export function jsonSchemaProblem(schema: object): string | null {
  try {
    compileJsonSchema(schema);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}
