import type { z } from 'zod';
import { ExpressionError, compileExpression, forEachTemplateString, parseTemplate, readsSecrets } from './expressions.js';
import { BARE_EXPRESSION_FIELDS, LITERAL_FIELDS } from './expression-fields.js';
import { localExecutionIssues, type LocalDefaults } from './local-execution.js';
import { referencedNames } from './references.js';
import { BUILTIN_ROLES } from './roles.js';
import { definitionSchema, nodeSchemas, pluginNodeSchema, type BuiltinNodeType, type Definition } from './schema.js';
import { parseWorkflowRef } from './workflow-ref.js';

/** Validation codes (contract section 2). */
export const ValidationCode = {
  Schema: 'SCHEMA',
  DuplicateId: 'DUPLICATE_ID',
  UnknownNeed: 'UNKNOWN_NEED',
  Cycle: 'CYCLE',
  UnknownType: 'UNKNOWN_TYPE',
  ExpressionSyntax: 'EXPRESSION_SYNTAX',
  UnknownReference: 'UNKNOWN_REFERENCE',
  UnknownWorkflow: 'UNKNOWN_WORKFLOW',
  Limit: 'LIMIT',
} as const;

export type ValidationCodeName = (typeof ValidationCode)[keyof typeof ValidationCode];

/** One problem found in a definition; `path` is a JSON pointer into it. */
export interface ValidationIssue {
  code: ValidationCodeName;
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
}

export type ValidationResult = { valid: true; definition: Definition; errors: [] } | { valid: false; errors: ValidationIssue[] };

/** Limits the contract sets on one definition. */
export const DSL_LIMITS = { nodesPerScope: 10_000, maxIterations: 1_000, maxParallel: 500 } as const;


/** Where `secrets.NAME` may be read: fields that only activities resolve (contract 1.1); and a plugin node's `config`. */
const SECRET_FIELDS = /\/(agent\/apiKey|fallback\/\d+\/apiKey|request\/url|request\/headers\/[^/]+|request\/query\/[^/]+|request\/body(\/.*)?|env\/[^/]+)$/;

function parseTemplateSafe(text: string) {
  try {
    return parseTemplate(text);
  } catch {
    return null;
  }
}

function readsSecretsSafe(source: string): boolean {
  try {
    return readsSecrets(source);
  } catch {
    return false;
  }
}

/** Escapes one JSON-pointer segment (RFC 6901). */
export function pointerSegment(key: string | number): string {
  return String(key).replace(/~/g, '~0').replace(/\//g, '~1');
}

function pointer(base: string, ...keys: (string | number)[]): string {
  return base + keys.map((k) => `/${pointerSegment(k)}`).join('');
}

type RawNode = Record<string, unknown>;

/** Whether an expression at some place may read `nodes.<name>`. */
type Visibility = (name: string) => boolean;

/** What a scope's expressions may read besides the scope's own ancestors. */
interface ScopeContext {
  /** Node ids visible from outside the scope (ancestors of the enclosing map or loop). */
  outer: ReadonlySet<string>;
}

class Collector {
  readonly issues: ValidationIssue[] = [];
  /** Roles the definition defines. */
  roles = new Set<string>();
  /** The definition's `defaults`, which local nodes' bounds read. */
  defaults: LocalDefaults = {};
  readonly pending: Promise<void>[] = [];
  add(code: ValidationCodeName, path: string, message: string): void {
    this.issues.push({ code, path, message });
  }
  schemaIssues(error: z.ZodError, base: string): void {
    for (const issue of error.issues) {
      this.add(ValidationCode.Schema, pointer(base, ...(issue.path as (string | number)[])), issue.message);
    }
  }
}

/**
 * Checks a parsed definition against every rule of contract section 2 and reports
 * every problem at once. Valid definitions come back typed.
 */
export async function validateDefinition(raw: unknown, options: ValidateOptions = {}): Promise<ValidationResult> {
  const out = new Collector();
  const top = definitionSchema.safeParse(raw);
  if (!top.success) out.schemaIssues(top.error, '');

  const doc = (raw !== null && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const limits = (doc.limits ?? {}) as Record<string, unknown>;
  if (typeof limits.maxParallel === 'number' && limits.maxParallel > DSL_LIMITS.maxParallel) {
    out.add(ValidationCode.Limit, '/limits/maxParallel', `maxParallel is at most ${DSL_LIMITS.maxParallel}`);
  }
  const defaults = (doc.defaults ?? {}) as Record<string, unknown>;
  out.defaults = defaults;
  if (doc.roles !== null && typeof doc.roles === 'object') out.roles = new Set(Object.keys(doc.roles));
  const defaultAgent = (defaults.agent ?? {}) as Record<string, unknown>;

  if (Array.isArray(doc.nodes)) {
    const topIds = validateScope(doc.nodes, '/nodes', { outer: new Set() }, out, options, defaultAgent);
    if (doc.outputs !== undefined) checkTemplates(doc.outputs, '/outputs', (name) => topIds.all.has(name), out);
  }
  await Promise.all(out.pending);
  if (out.issues.length > 0) return { valid: false, errors: out.issues };
  return { valid: true, definition: top.data as unknown as Definition, errors: [] };
}

/** Validates the nodes of one id scope; returns the ids it defines. */
function validateScope(
  nodes: unknown[],
  base: string,
  ctx: ScopeContext,
  out: Collector,
  options: ValidateOptions,
  defaultAgent: Record<string, unknown>,
): { all: Set<string> } {
  if (nodes.length > DSL_LIMITS.nodesPerScope) {
    out.add(ValidationCode.Limit, base, `a scope holds at most ${DSL_LIMITS.nodesPerScope} nodes, this one ${nodes.length}`);
  }
  const indexById = new Map<string, number>();
  const raws: RawNode[] = [];
  nodes.forEach((node, i) => {
    const path = pointer(base, i);
    if (node === null || typeof node !== 'object' || Array.isArray(node)) {
      out.add(ValidationCode.Schema, path, 'a node must be an object');
      raws.push({});
      return;
    }
    const raw = node as RawNode;
    raws.push(raw);
    checkNodeShape(raw, path, out, options, defaultAgent, false);
    if (typeof raw.id === 'string') {
      if (indexById.has(raw.id) || ctx.outer.has(raw.id)) {
        out.add(ValidationCode.DuplicateId, pointer(path, 'id'), `id ${raw.id} is already used in this scope`);
      } else {
        indexById.set(raw.id, i);
      }
    }
  });

  // Edges: explicit needs, plus the implicit need of a switch's targets on the switch.
  const needs = new Map<string, string[]>();
  raws.forEach((raw, i) => {
    const id = typeof raw.id === 'string' ? raw.id : undefined;
    if (id === undefined || indexById.get(id) !== i) return;
    const list: string[] = [];
    if (Array.isArray(raw.needs)) {
      raw.needs.forEach((need, j) => {
        if (typeof need !== 'string') return;
        if (!indexById.has(need)) out.add(ValidationCode.UnknownNeed, pointer(base, i, 'needs', j), `needs unknown node ${need}`);
        else list.push(need);
      });
    }
    needs.set(id, list);
  });
  raws.forEach((raw, i) => {
    if (raw.type !== 'switch' || typeof raw.id !== 'string') return;
    const targets: [string, unknown][] = [];
    if (raw.cases !== null && typeof raw.cases === 'object') {
      for (const [key, ids] of Object.entries(raw.cases)) {
        if (Array.isArray(ids)) ids.forEach((t, j) => targets.push([pointer(base, i, 'cases', key, j), t]));
      }
    }
    if (Array.isArray(raw.default)) raw.default.forEach((t, j) => targets.push([pointer(base, i, 'default', j), t]));
    for (const [path, target] of targets) {
      if (typeof target !== 'string') continue;
      if (!indexById.has(target)) out.add(ValidationCode.UnknownNeed, path, `switch branch names unknown node ${target}`);
      else if (target !== raw.id) needs.get(target)?.push(raw.id);
    }
  });

  reportCycles(needs, indexById, base, out);
  const ancestry = new Ancestry(needs);

  raws.forEach((raw, i) => {
    const id = typeof raw.id === 'string' ? raw.id : undefined;
    if (id === undefined) return;
    const path = pointer(base, i);
    const visible: Visibility = (name) => ctx.outer.has(name) || ancestry.has(id, name);
    checkNodeExpressions(raw, path, visible, out);
    if (raw.type === 'map' || raw.type === 'loop') {
      const enclosing = new Set([...ctx.outer, ...ancestry.all(id)]);
      checkNested(raw, path, enclosing, out, options, defaultAgent);
    }
  });
  return { all: new Set(indexById.keys()) };
}

/** Checks one node's type, its schema and the limits and references of its fields. */
function checkNodeShape(
  raw: RawNode,
  path: string,
  out: Collector,
  options: ValidateOptions,
  defaultAgent: Record<string, unknown>,
  inline: boolean,
): void {
  const type = raw.type;
  if (typeof type !== 'string') {
    out.add(ValidationCode.Schema, pointer(path, 'type'), 'type is required');
    return;
  }
  const builtin = Object.hasOwn(nodeSchemas, type);
  if (!builtin && !(type.includes('.') && options.plugins?.has(type))) {
    const loaded = type.includes('.') ? ` (loaded plugins: ${options.plugins?.names().join(', ') || 'none'})` : '';
    out.add(ValidationCode.UnknownType, pointer(path, 'type'), `unknown node type ${type}${loaded}`);
    return;
  }
  if (inline) {
    for (const key of ['id', 'needs'] as const) {
      if (key in raw) out.add(ValidationCode.Schema, pointer(path, key), `an inline node has no ${key}`);
    }
  }
  const subject = inline ? { ...raw, id: '_inline', needs: undefined } : raw;
  const parsed = (builtin ? nodeSchemas[type as BuiltinNodeType] : pluginNodeSchema).safeParse(subject);
  if (!parsed.success) out.schemaIssues(parsed.error, path);
  if (!builtin) {
    const base = pointer(path, 'config');
    for (const issue of options.plugins?.checkConfig(type, raw.config) ?? []) out.add(ValidationCode.Schema, base + issue.path, issue.message);
  }

  if (type === 'agent' && raw.agent !== null && typeof raw.agent === 'object') {
    const agent = { ...defaultAgent, ...(raw.agent as Record<string, unknown>) };
    if (agent.provider === undefined) {
      out.add(ValidationCode.Schema, pointer(path, 'agent', 'provider'), 'provider is required (on the node or in defaults.agent)');
    }
    const apiKey = (raw.agent as Record<string, unknown>).apiKey;
    if (typeof apiKey === 'string' && !(parseTemplateSafe(apiKey) ?? []).some((p) => p.kind === 'expr' && readsSecretsSafe(p.source))) {
      out.add(ValidationCode.Schema, pointer(path, 'agent', 'apiKey'), 'apiKey must be a {{ secrets.NAME }} template: keys never go into definitions');
    }
    if (typeof agent.role === 'string' && !(agent.role in BUILTIN_ROLES) && !out.roles.has(agent.role)) {
      out.add(ValidationCode.Schema, pointer(path, 'agent', 'role'), `unknown role ${agent.role} (built in: ${Object.keys(BUILTIN_ROLES).join(', ')}; or define it in roles)`);
    }
  }
  for (const issue of localExecutionIssues(raw, out.defaults)) {
    out.add(issue.kind === 'limit' ? ValidationCode.Limit : ValidationCode.Schema, path + issue.path, issue.message);
  }
  if (type === 'loop' && typeof raw.maxIterations === 'number' && raw.maxIterations > DSL_LIMITS.maxIterations) {
    out.add(ValidationCode.Limit, pointer(path, 'maxIterations'), `maxIterations is at most ${DSL_LIMITS.maxIterations}`);
  }
  if (type === 'map' && typeof raw.maxParallel === 'number' && raw.maxParallel > DSL_LIMITS.maxParallel) {
    out.add(ValidationCode.Limit, pointer(path, 'maxParallel'), `maxParallel is at most ${DSL_LIMITS.maxParallel}`);
  }
  const workflowExists = options.workflowExists;
  if (workflowExists && (type === 'workflow' || type === 'map') && typeof raw.workflow === 'string') {
    const { name, version } = parseWorkflowRef(raw.workflow);
    const at = pointer(path, 'workflow');
    out.pending.push(
      Promise.resolve(workflowExists(name, version)).then((exists) => {
        if (!exists) out.add(ValidationCode.UnknownWorkflow, at, `no stored workflow ${raw.workflow as string}`);
      }),
    );
  }
}

/** Validates the scopes a map or loop node holds. */
function checkNested(
  raw: RawNode,
  path: string,
  enclosing: Set<string>,
  out: Collector,
  options: ValidateOptions,
  defaultAgent: Record<string, unknown>,
): void {
  if (raw.type === 'map' && raw.node !== null && typeof raw.node === 'object' && !Array.isArray(raw.node)) {
    const inner = raw.node as RawNode;
    const innerPath = pointer(path, 'node');
    checkNodeShape(inner, innerPath, out, options, defaultAgent, true);
    checkNodeExpressions(inner, innerPath, (name) => enclosing.has(name), out);
    checkNested(inner, innerPath, enclosing, out, options, defaultAgent);
  }
  if (raw.type === 'loop' && Array.isArray(raw.nodes)) {
    const body = validateScope(raw.nodes, pointer(path, 'nodes'), { outer: enclosing }, out, options, defaultAgent);
    if (typeof raw.until === 'string') {
      checkExpression(raw.until, pointer(path, 'until'), (name) => enclosing.has(name) || body.all.has(name), out);
    }
  }
}

/** Checks a node's bare expressions and the templates of its other string fields. */
function checkNodeExpressions(raw: RawNode, path: string, visible: Visibility, out: Collector): void {
  for (const field of BARE_EXPRESSION_FIELDS) {
    const source = raw[field];
    // A loop's `until` sees its body; checked with the body's ids in checkNested.
    if (typeof source === 'string' && !(raw.type === 'loop' && field === 'until')) {
      checkExpression(source, pointer(path, field), visible, out);
    }
  }
  for (const [key, value] of Object.entries(raw)) {
    if (LITERAL_FIELDS.has(key) || BARE_EXPRESSION_FIELDS.includes(key)) continue;
    if ((raw.type === 'loop' && key === 'nodes') || (raw.type === 'map' && key === 'node')) continue;
    // A plugin node's config is resolved in its activity, like an http request: it may read secrets.
    const secretsAllowed = key === 'config' && typeof raw.type === 'string' && raw.type.includes('.');
    checkTemplates(value, pointer(path, key), visible, out, secretsAllowed);
  }
}

/** Checks every template inside a JSON value. */
function checkTemplates(value: unknown, base: string, visible: Visibility, out: Collector, secretsAllowed = false): void {
  forEachTemplateString(value, (text, keys) => {
    const path = pointer(base, ...keys);
    let parts;
    try {
      parts = parseTemplate(text);
    } catch (err) {
      out.add(ValidationCode.ExpressionSyntax, path, (err as Error).message);
      return;
    }
    for (const part of parts ?? []) {
      if (part.kind === 'expr') checkExpression(part.source, path, visible, out, secretsAllowed);
    }
  });
}

/** Checks one expression's syntax and that every `nodes.x` it reads can exist. */
function checkExpression(source: string, path: string, visible: Visibility, out: Collector, secretsAllowed = false): void {
  let names: Set<string>;
  try {
    compileExpression(source);
    names = referencedNames(source, 'nodes');
  } catch (err) {
    const message = err instanceof ExpressionError ? err.message : String(err);
    out.add(ValidationCode.ExpressionSyntax, path, `${JSON.stringify(source)}: ${message}`);
    return;
  }
  for (const name of names) {
    if (!visible(name)) {
      out.add(ValidationCode.UnknownReference, path, `reads nodes.${name}, which is not an ancestor of this node`);
    }
  }
  if (readsSecrets(source)) {
    if (!secretsAllowed && !SECRET_FIELDS.test(path)) {
      out.add(ValidationCode.Schema, path, 'secrets may be read only in agent.apiKey, an http request (url, headers, query, body), exec env and a plugin node\'s config');
    } else if (names.size > 0 || referencedNames(source, 'input').size > 0) {
      out.add(ValidationCode.Schema, path, 'a template that reads secrets may read nothing else; put other values in their own {{ }}');
    }
  }
}

/** Reports each dependency cycle once, naming it as `a -> b -> a`; iterative, so long chains cannot overflow the stack. */
function reportCycles(needs: Map<string, string[]>, indexById: Map<string, number>, base: string, out: Collector): void {
  const state = new Map<string, 'active' | 'done'>();
  for (const root of needs.keys()) {
    if (state.has(root)) continue;
    const stack: { id: string; next: number }[] = [{ id: root, next: 0 }];
    state.set(root, 'active');
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      const list = needs.get(frame.id) ?? [];
      if (frame.next >= list.length) {
        state.set(frame.id, 'done');
        stack.pop();
        continue;
      }
      const need = list[frame.next++]!;
      const s = state.get(need);
      if (s === 'active') {
        const from = stack.findIndex((f) => f.id === need);
        const cycle = [...stack.slice(from).map((f) => f.id), need];
        out.add(ValidationCode.Cycle, pointer(base, indexById.get(need) ?? 0, 'needs'), `dependency cycle: ${cycle.join(' -> ')}`);
      } else if (s === undefined) {
        state.set(need, 'active');
        stack.push({ id: need, next: 0 });
      }
    }
  }
}

/**
 * Answers "is `target` an ancestor of `id`?" on demand. Most references name a
 * direct need, answered at once; others walk the needs graph. Full ancestor sets
 * would cost O(n²) memory on a 10,000-node chain.
 */
class Ancestry {
  private readonly closed = new Map<string, Set<string>>();
  constructor(private readonly needs: Map<string, string[]>) {}

  has(id: string, target: string): boolean {
    if (this.needs.get(id)?.includes(target)) return true;
    return this.all(id).has(target);
  }

  /** Every ancestor of `id` (memoised; only asked for nodes whose references are indirect, or map/loop nodes). */
  all(id: string): Set<string> {
    const known = this.closed.get(id);
    if (known) return known;
    const seen = new Set<string>();
    const todo = [...(this.needs.get(id) ?? [])];
    while (todo.length > 0) {
      const next = todo.pop()!;
      if (seen.has(next)) continue;
      seen.add(next);
      for (const n of this.needs.get(next) ?? []) if (!seen.has(n)) todo.push(n);
    }
    this.closed.set(id, seen);
    return seen;
  }
}
