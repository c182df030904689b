import type { z } from 'zod';
import { parseTemplate, readsSecrets } from './expressions.js';
import { BARE_EXPRESSION_FIELDS, LITERAL_FIELDS } from './expression-fields.js';
import { Ancestry } from './ancestry.js';
import { findCycles } from './graph-cycles.js';
import { localExecutionIssues, type LocalDefaults } from './local-execution.js';
import { BUILTIN_ROLES } from './roles.js';
import { definitionSchema, nodeSchemas, pluginNodeSchema, type BuiltinNodeType, type Definition } from './schema.js';
import { AgentChecks } from './validate-agents.js';
import { checkExpression, checkTemplates, type Visibility } from './validate-expressions.js';
import {
  ValidationCode,
  checkStoredWorkflow,
  pointer,
  type IssueSink,
  type ValidateOptions,
  type ValidationCodeName,
  type ValidationIssue,
  type ValidationWarning,
} from './validation-issues.js';

export { ValidationCode, WarningCode, pointerSegment } from './validation-issues.js';
export type { PluginTypes, ValidateOptions, ValidationCodeName, ValidationIssue, ValidationWarning } from './validation-issues.js';

/** The outcome of validation; `warnings` (a deprecated model, …) never make a definition invalid. */
export type ValidationResult =
  | { valid: true; definition: Definition; errors: []; warnings: ValidationWarning[] }
  | { valid: false; errors: ValidationIssue[]; warnings: ValidationWarning[] };

/** Limits the contract sets on one definition. */
export const DSL_LIMITS = { nodesPerScope: 10_000, maxIterations: 1_000, maxParallel: 500 } as const;


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

type RawNode = Record<string, unknown>;

/** What a scope's expressions may read besides the scope's own ancestors. */
interface ScopeContext {
  /** Node ids visible from outside the scope (ancestors of the enclosing map or loop). */
  outer: ReadonlySet<string>;
}

class Collector implements IssueSink {
  readonly issues: ValidationIssue[] = [];
  /** Roles the definition defines. */
  roles = new Set<string>();
  /** The definition's `defaults`, which local nodes' bounds read. */
  defaults: LocalDefaults = {};
  readonly warnings: ValidationWarning[] = [];
  readonly pending: Promise<void>[] = [];
  /** Checks of the agent DSL (tools, MCP servers, profiles). */
  agents: AgentChecks;
  constructor(doc: Record<string, unknown>, options: ValidateOptions) {
    this.agents = new AgentChecks(doc, this, options);
  }
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
  const doc = (raw !== null && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const out = new Collector(doc, options);
  const top = definitionSchema.safeParse(raw);
  if (!top.success) out.schemaIssues(top.error, '');

  const limits = (doc.limits ?? {}) as Record<string, unknown>;
  if (typeof limits.maxParallel === 'number' && limits.maxParallel > DSL_LIMITS.maxParallel) {
    out.add(ValidationCode.Limit, '/limits/maxParallel', `maxParallel is at most ${DSL_LIMITS.maxParallel}`);
  }
  const defaults = (doc.defaults ?? {}) as Record<string, unknown>;
  out.defaults = defaults;
  if (doc.roles !== null && typeof doc.roles === 'object') out.roles = new Set(Object.keys(doc.roles));
  const defaultAgent = (defaults.agent ?? {}) as Record<string, unknown>;
  out.agents.checkDefinition();

  if (Array.isArray(doc.nodes)) {
    const topIds = validateScope(doc.nodes, '/nodes', { outer: new Set() }, out, options, defaultAgent);
    if (doc.outputs !== undefined) checkTemplates(doc.outputs, '/outputs', (name) => topIds.all.has(name), out);
  }
  await Promise.all(out.pending);
  if (out.issues.length > 0) return { valid: false, errors: out.issues, warnings: out.warnings };
  return { valid: true, definition: top.data as unknown as Definition, errors: [], warnings: out.warnings };
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
    out.agents.checkNode(raw, path);
    const agent = { ...defaultAgent, ...out.agents.withProfiles(raw.agent as Record<string, unknown>) };
    if (agent.provider === undefined) {
      out.add(ValidationCode.Schema, pointer(path, 'agent', 'provider'), 'provider is required (on the node, a profile it uses, or defaults.agent)');
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
  if ((type === 'workflow' || type === 'map') && typeof raw.workflow === 'string') checkStoredWorkflow(raw.workflow, pointer(path, 'workflow'), out, options);
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

/** Reports each dependency cycle once, naming it as `a -> b -> a`, at the `needs` of the node the walk reached first. */
function reportCycles(needs: Map<string, string[]>, indexById: Map<string, number>, base: string, out: Collector): void {
  for (const cycle of findCycles(needs)) {
    out.add(ValidationCode.Cycle, pointer(base, indexById.get(cycle[0]!) ?? 0, 'needs'), `dependency cycle: ${cycle.join(' -> ')}`);
  }
}
