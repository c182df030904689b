import { workflowRefSchema } from './schema.js';
import { parseWorkflowRef } from './workflow-ref.js';

/**
 * What validation reports and what it is given: the codes, the issue shape,
 * the options and JSON-pointer helpers, shared by the validator's modules.
 */

/** Validation codes (contract section 2, weft-agents section 2). */
export const ValidationCode = {
  Schema: 'SCHEMA',
  DuplicateId: 'DUPLICATE_ID',
  UnknownNeed: 'UNKNOWN_NEED',
  Cycle: 'CYCLE',
  UnknownType: 'UNKNOWN_TYPE',
  ExpressionSyntax: 'EXPRESSION_SYNTAX',
  UnknownReference: 'UNKNOWN_REFERENCE',
  UnknownWorkflow: 'UNKNOWN_WORKFLOW',
  UnknownTool: 'UNKNOWN_TOOL',
  UnknownAgent: 'UNKNOWN_AGENT',
  Limit: 'LIMIT',
} as const;

export type ValidationCodeName = (typeof ValidationCode)[keyof typeof ValidationCode];

/** One problem found in a definition; `path` is a JSON pointer into it. */
export interface ValidationIssue {
  code: ValidationCodeName;
  path: string;
  message: string;
}

/** Warning codes: the definition is valid, but something in it deserves a change. */
export const WarningCode = {
  ModelDeprecated: 'MODEL_DEPRECATED',
} as const;

/** Something valid that deserves a change (a model its vendor deprecated); `path` is a JSON pointer. */
export interface ValidationWarning {
  code: (typeof WarningCode)[keyof typeof WarningCode];
  path: string;
  message: string;
}

/** The loaded plugins as validation sees them (the API's plugin registry); no I/O. */
export interface PluginTypes {
  /** Whether `<plugin>.<type>` is loaded. */
  has(type: string): boolean;
  /** Names of the loaded plugins, for messages. */
  names(): string[];
  /** Problems with a node's config, each at a JSON pointer within the config (`''` = the config itself). */
  checkConfig(type: string, config: unknown): { path: string; message: string }[];
}

export interface ValidateOptions {
  /** Whether a stored workflow `name` (at `version`, if given) exists; without it, references are not checked. */
  workflowExists?: (name: string, version?: number) => boolean | Promise<boolean>;
  /** Loaded plugins; without them, every `<plugin>.<type>` is unknown. */
  plugins?: PluginTypes;
  /**
   * Why a JSON Schema cannot be compiled, or null when it can (tools' `parameters`).
   * The compiler (Ajv) lives outside this pure module; without it, only `type: object` is checked.
   */
  jsonSchemaProblem?: (schema: object) => string | null;
}

/** Where the validator's modules report issues, and the asynchronous checks they started. */
export interface IssueSink {
  add(code: ValidationCodeName, path: string, message: string): void;
  readonly warnings: ValidationWarning[];
  readonly pending: Promise<void>[];
}

/** Escapes one JSON-pointer segment (RFC 6901). */
export function pointerSegment(key: string | number): string {
  return String(key).replace(/~/g, '~0').replace(/\//g, '~1');
}

/** `base` followed by each key as a JSON-pointer segment. */
export function pointer(base: string, ...keys: (string | number)[]): string {
  return base + keys.map((k) => `/${pointerSegment(k)}`).join('');
}

/** Whether a value is a plain object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Reports UNKNOWN_WORKFLOW at `at`, once the store answers, when `ref` names no stored workflow. */
export function checkStoredWorkflow(ref: string, at: string, out: IssueSink, options: ValidateOptions): void {
  const workflowExists = options.workflowExists;
  // A malformed reference is the schema's SCHEMA error; the store is never asked about it.
  if (!workflowExists || !workflowRefSchema.safeParse(ref).success) return;
  const { name, version } = parseWorkflowRef(ref);
  out.pending.push(
    Promise.resolve(workflowExists(name, version)).then((exists) => {
      if (!exists) out.add(ValidationCode.UnknownWorkflow, at, `no stored workflow ${ref}`);
    }),
  );
}
