import { createHash } from 'node:crypto';
import { canonicalJson, type DefinitionParseError, parseDefinitionText } from '../dag/parse.js';
import { compilePlan, planLevels } from '../dag/plan.js';
import type { Definition } from '../dag/schema.js';
import { validateDefinition, ValidationCode, type PluginTypes, type ValidationIssue, type ValidationWarning } from '../dag/validate.js';
import type { WorkflowsRepo } from '../db/workflows-repo.js';
import { jsonSchemaProblem, schemaViolations } from '../json-schema/validator.js';
import { AppError } from './errors.js';

/** A definition as received: parsed, validated, hashed, with the text the user sent. */
export interface ReceivedDefinition {
  definition: Definition;
  source: string | null;
  hash: string;
  /** What deserves a change though the definition is valid (a deprecated model): answered, never stored. */
  warnings: ValidationWarning[];
}

/** The content hash of a definition: sha256 of its canonical JSON. */
export function definitionHash(definition: unknown): string {
  return createHash('sha256').update(canonicalJson(definition)).digest('hex');
}

/** Whether a stored workflow `name` (at `version`, if given) exists: how a definition's workflow references are checked. */
export type WorkflowExists = (name: string, version?: number) => Promise<boolean>;

/** References checked against the stored workflows. */
export function storedWorkflowExists(workflows: WorkflowsRepo): WorkflowExists {
  return async (name, version) => (await workflows.get(name, version)) !== undefined;
}

/**
 * Reads a definition from a request body (an object, or YAML/JSON text) and
 * validates it fully, including that its `input` is a usable JSON Schema and
 * its plugin nodes' types and configs against the loaded plugins.
 * @throws AppError `BAD_REQUEST` when the text does not parse, `VALIDATION_FAILED` with every issue (and the warnings).
 */
export async function receiveDefinition(body: unknown, workflowExists: WorkflowExists, plugins: PluginTypes): Promise<ReceivedDefinition> {
  let raw = body;
  let source: string | null = null;
  if (typeof body === 'string') {
    source = body;
    try {
      raw = parseDefinitionText(body);
    } catch (err) {
      const e = err as DefinitionParseError;
      throw new AppError('BAD_REQUEST', `definition does not parse: ${e.message}`, { line: e.line ?? null, column: e.column ?? null });
    }
  }
  const result = await validateDefinition(raw, { workflowExists, plugins, jsonSchemaProblem });
  const errors: ValidationIssue[] = result.valid ? [] : [...result.errors];
  const inputSchema = (raw as { input?: unknown } | null)?.input;
  if (inputSchema !== null && typeof inputSchema === 'object') {
    const problem = jsonSchemaProblem(inputSchema);
    if (problem) errors.push({ code: ValidationCode.Schema, path: '/input', message: `input is not a valid JSON Schema: ${problem}` });
  }
  if (!result.valid || errors.length > 0) {
    throw new AppError('VALIDATION_FAILED', `the definition has ${errors.length} problem(s)`, { errors, warnings: result.warnings });
  }
  return { definition: result.definition, source, hash: definitionHash(result.definition), warnings: result.warnings };
}

/** What `POST /workflows/validate` answers for a valid definition (and `weft validate` offline prints): its plan and warnings. */
export function validationAnswer(definition: Definition, warnings: ValidationWarning[]) {
  const plan = compilePlan(definition);
  const nodes = plan.nodes.map((n) => ({ id: n.id, type: n.spec.type, needs: n.needs, trigger: n.trigger }));
  return { valid: true as const, plan: { nodes, levels: planLevels(plan), sinks: plan.sinks, maxParallel: plan.maxParallel }, warnings };
}

/**
 * Checks a run's input against the definition's `input` JSON Schema (2020-12).
 * @throws AppError `INPUT_INVALID` listing every violation.
 */
export function checkRunInput(definition: Definition, input: unknown): void {
  if (!definition.input) return;
  const errors = schemaViolations(definition.input, input);
  if (errors.length === 0) return;
  throw new AppError('INPUT_INVALID', `the run input does not match the workflow's input schema: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}`, { errors });
}
