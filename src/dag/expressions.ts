import jsonata from 'jsonata';

/**
 * JSONata expressions and `{{ expr }}` templates (contract 1.1).
 *
 * Evaluation runs inside the workflow, so its bound must be deterministic: a
 * wall-clock limit would stop at different points on replay (and workflow time
 * does not advance within a task anyway). Instead every evaluation gets a budget
 * of evaluation steps, a maximum nesting depth and a cap on array sizes; these
 * bound CPU time and memory and give the same verdict on every replay.
 */

/** Bounds applied to one evaluation. */
export interface EvaluationBounds {
  /** Evaluation steps (AST node visits) allowed. */
  maxSteps: number;
  /** Nesting depth of evaluation (recursion) allowed. */
  maxDepth: number;
  /** Largest array any step may produce. */
  maxArrayLength: number;
}

export const DEFAULT_BOUNDS: EvaluationBounds = { maxSteps: 100_000, maxDepth: 200, maxArrayLength: 100_000 };

/** An expression failed: syntax, evaluation error or a bound reached. */
export class ExpressionError extends Error {
  override readonly name = 'ExpressionError';
  constructor(
    message: string,
    readonly expression: string,
    readonly position?: number,
  ) {
    super(message);
  }
}

interface JsonataError {
  code?: string;
  message?: string;
  position?: number;
}

// JSONata 1.x stores its regex engine on its exported function at every compile. In the
// workflow bundle this module and JSONata's are preloaded: shared by a thread's runs and
// frozen, where that assignment throws. Its engine here is always RegExp, held by an
// accessor that ignores the assignment.
Object.defineProperty(jsonata, 'RegexEngine', { get: () => RegExp, set: () => {} });

/**
 * Compiled expressions by source, shared by a workflow thread's runs (this
 * module is preloaded: src/worker/bundle-options.ts); parsing dominates short
 * templates' cost. Kept
 * small on purpose: inside the workflow sandbox a compiled expression held ~150 kB,
 * and a 10,000-node run's worker peaked at 1,350 MiB RSS with 5,000 cached, 903 MiB
 * with 200 (`npm run bench -- --big-only`). Repeats (map items, loop bodies) still hit.
 */
const compiled = new Map<string, jsonata.Expression>();
const MAX_COMPILED = 200;

/** Parses an expression, throwing {@link ExpressionError} on a syntax error. */
export function compileExpression(source: string): jsonata.Expression {
  const known = compiled.get(source);
  if (known) return known;
  let expr: jsonata.Expression;
  try {
    expr = jsonata(source);
  } catch (err) {
    const e = err as JsonataError;
    throw new ExpressionError(`${e.message ?? 'syntax error'}${e.position === undefined ? '' : ` at position ${e.position}`}`, source, e.position);
  }
  if (compiled.size >= MAX_COMPILED) compiled.delete(compiled.keys().next().value!);
  compiled.set(source, expr);
  return expr;
}

/**
 * Evaluates a bare expression against `scope`, within `bounds`. The result is
 * plain JSON (JSONata's sequence markers are dropped; functions become undefined).
 *
 * Evaluation is synchronous (JSONata 1.x drives its generators without promises).
 * That matters inside the workflow sandbox, which captures a stack trace for
 * every promise created: JSONata 2.x's promise per step made each step ~200x dearer.
 */
export function evaluateExpression(source: string, scope: object, bounds: EvaluationBounds = DEFAULT_BOUNDS): unknown {
  const plain = readPlainPath(source, scope, bounds);
  if (plain !== NOT_PLAIN) return plain;
  const expr = compileExpression(source);
  let steps = 0;
  let depth = 0;
  // JSONata looks its evaluation hooks up as bindings, so each evaluation gets its
  // own counters even though the compiled expression is shared.
  const hooks = {
    __evaluate_entry: () => {
      depth += 1;
      steps += 1;
      if (depth > bounds.maxDepth) throw { code: 'BOUND', message: `expression nested deeper than ${bounds.maxDepth}` };
      if (steps > bounds.maxSteps) throw { code: 'BOUND', message: `expression took more than ${bounds.maxSteps} steps` };
    },
    __evaluate_exit: (_e: unknown, _input: unknown, _env: unknown, result: unknown) => {
      depth -= 1;
      if (Array.isArray(result) && result.length > bounds.maxArrayLength) {
        throw { code: 'BOUND', message: `expression produced an array longer than ${bounds.maxArrayLength}` };
      }
    },
  };
  let result: unknown;
  try {
    result = expr.evaluate(scope, hooks);
  } catch (err) {
    const e = err as JsonataError;
    throw new ExpressionError(e.message ?? String(err), source, e.position);
  }
  return toPlainJson(result);
}

const NOT_PLAIN = Symbol('not a plain path');
/** `a.b.c`: names only, none of them a JSONata keyword or literal. */
const PLAIN_PATH = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const KEYWORDS: ReadonlySet<string> = new Set(['and', 'or', 'in', 'true', 'false', 'null', 'function']);

/**
 * The value of a template that only reads a path of plain objects (most
 * templates: `nodes.draft.output.text`), without parsing or evaluating it as
 * JSONata, which costs far more than the lookups. Anything JSONata would treat
 * differently (an array on the way, which it maps over; a missing field; a
 * keyword, bounds too tight for the path's few steps) is left to JSONata, so
 * the value and the verdict are always the ones it gives.
 */
function readPlainPath(source: string, scope: object, bounds: EvaluationBounds): unknown {
  if (!PLAIN_PATH.test(source)) return NOT_PLAIN;
  const names = source.split('.');
  // Generously more than JSONata's steps and depth for a path of plain names.
  if (bounds.maxSteps < 4 * names.length + 4 || bounds.maxDepth < 8) return NOT_PLAIN;
  let value: unknown = scope;
  for (const name of names) {
    if (KEYWORDS.has(name) || value === null || typeof value !== 'object' || Array.isArray(value) || !Object.hasOwn(value, name)) return NOT_PLAIN;
    value = (value as Record<string, unknown>)[name];
  }
  if (value === undefined || Array.isArray(value) || typeof value === 'function') return NOT_PLAIN;
  return toPlainJson(value);
}

/** Drops JSONata's non-JSON artefacts (sequence flags, functions, undefined). */
function toPlainJson(value: unknown): unknown {
  if (value === undefined) return undefined;
  const text = JSON.stringify(value);
  return text === undefined ? undefined : JSON.parse(text);
}

/** One piece of a template string: literal text or an expression. */
export type TemplatePart = { kind: 'text'; text: string } | { kind: 'expr'; source: string; offset: number };

const OPEN = '{{';

/**
 * Splits a string into literal text and `{{ expr }}` parts. Braces and quotes
 * inside an expression are balanced, so object constructors such as
 * `{{ {"a": {"b": 1}} }}` parse. Returns null when the string holds no template.
 * @throws ExpressionError on an unterminated template.
 */
export function parseTemplate(text: string): TemplatePart[] | null {
  if (!text.includes(OPEN)) return null;
  const parts: TemplatePart[] = [];
  let i = 0;
  while (i < text.length) {
    const start = text.indexOf(OPEN, i);
    if (start < 0) {
      parts.push({ kind: 'text', text: text.slice(i) });
      break;
    }
    if (start > i) parts.push({ kind: 'text', text: text.slice(i, start) });
    const end = findTemplateEnd(text, start + OPEN.length);
    if (end < 0) throw new ExpressionError('template opened with {{ is never closed with }}', text, start);
    parts.push({ kind: 'expr', source: text.slice(start + OPEN.length, end).trim(), offset: start });
    i = end + 2;
  }
  return parts;
}

function findTemplateEnd(text: string, from: number): number {
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"' || ch === "'" || ch === '`') {
      i = skipQuoted(text, i, ch);
      if (i < 0) return -1;
    } else if (ch === '{') {
      depth += 1;
    } else if (ch === '}') {
      if (depth === 0 && text[i + 1] === '}') return i;
      if (depth > 0) depth -= 1;
    }
  }
  return -1;
}

function skipQuoted(text: string, start: number, quote: string): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i += 1;
    else if (text[i] === quote) return i;
  }
  return -1;
}

/**
 * Resolves the templates of one string. A string that is exactly one template
 * keeps the value's type; otherwise values are stringified into the text
 * (objects as JSON, missing values as the empty string).
 */
export function resolveTemplateString(text: string, scope: object, bounds?: EvaluationBounds): unknown {
  const parts = parseTemplate(text);
  if (!parts) return text;
  const [only] = parts;
  if (parts.length === 1 && only?.kind === 'expr') {
    if (only.source === '') throw new ExpressionError('empty template {{ }}', text, only.offset);
    return evaluateExpression(only.source, scope, bounds);
  }
  let out = '';
  for (const part of parts) {
    if (part.kind === 'text') out += part.text;
    else out += stringify(evaluateExpression(part.source, scope, bounds));
  }
  return out;
}

function stringify(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** Resolves every template in a JSON value (strings, arrays and objects, deeply). */
export function resolveTemplates(value: unknown, scope: object, bounds?: EvaluationBounds): unknown {
  if (typeof value === 'string') return resolveTemplateString(value, scope, bounds);
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) out.push(resolveTemplates(item, scope, bounds));
    return out;
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = resolveTemplates(item, scope, bounds);
    return out;
  }
  return value;
}

/**
 * A template left for the activity to resolve because it reads `secrets`: the
 * workflow never sees a secret's value. `parts` are literal text (other templates
 * of the string already resolved) and the secret-reading expressions.
 */
export interface DeferredTemplate {
  /** Where in the resolved value the string goes (keys and array indices). */
  path: (string | number)[];
  parts: ({ text: string } | { secret: string })[];
}

/**
 * Resolves templates like {@link resolveTemplates}, except that a string with a
 * template that reads `secrets` is replaced by `""` and described in `deferred`,
 * for the activity to finish. The deferred list comes only from the templates of
 * the value given here (the definition's own strings), so data flowing through a
 * run can never smuggle in an expression that reads a secret.
 */
export function resolveTemplatesDeferringSecrets(value: unknown, scope: object, bounds?: EvaluationBounds): { value: unknown; deferred: DeferredTemplate[] } {
  const deferred: DeferredTemplate[] = [];
  const walk = (v: unknown, path: (string | number)[]): unknown => {
    if (typeof v === 'string') {
      const parts = parseTemplate(v);
      if (!parts || !parts.some((p) => p.kind === 'expr' && readsSecrets(p.source))) return resolveTemplateString(v, scope, bounds);
      deferred.push({
        path,
        parts: parts.map((p) => {
          if (p.kind === 'text') return { text: p.text };
          if (readsSecrets(p.source)) return { secret: p.source };
          return { text: stringify(evaluateExpression(p.source, scope, bounds)) };
        }),
      });
      return '';
    }
    if (Array.isArray(v)) return v.map((item, i) => walk(item, [...path, i]));
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).map(([k, item]) => [k, walk(item, [...path, k])]));
    }
    return v;
  };
  return { value: walk(value, []), deferred };
}

/** Whether an expression reads the `secrets` root (`secrets.NAME`). */
export function readsSecrets(source: string): boolean {
  if (!source.includes('secrets')) return false;
  let reads = secretReaders.get(source);
  if (reads === undefined) {
    const names = new Set<string>();
    collectPaths(compileExpression(source).ast(), 'secrets', names);
    reads = names.size > 0;
    if (secretReaders.size >= MAX_COMPILED) secretReaders.clear();
    secretReaders.set(source, reads);
  }
  return reads;
}

/** Whether a source reads secrets, by source: templates are resolved per node, the AST walk once. */
const secretReaders = new Map<string, boolean>();

/**
 * Calls `visit` with every string inside a JSON value that may hold templates,
 * and its keys from the value's root. `schema` objects (JSON Schema) are skipped.
 */
export function forEachTemplateString(value: unknown, visit: (text: string, keys: (string | number)[]) => void, keys: (string | number)[] = []): void {
  if (typeof value === 'string') visit(value, keys);
  else if (Array.isArray(value)) value.forEach((item, i) => forEachTemplateString(item, visit, [...keys, i]));
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) if (key !== 'schema') forEachTemplateString(item, visit, [...keys, key]);
  }
}

/** Collects `<root>.<name>` path heads from a JSONata AST. */
export function collectPaths(node: unknown, root: string, names: Set<string>): void {
  if (Array.isArray(node)) {
    for (const child of node) collectPaths(child, root, names);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const ast = node as { type?: string; steps?: { type?: string; value?: unknown }[] };
  if (ast.type === 'path' && Array.isArray(ast.steps)) {
    const [first, second] = ast.steps;
    if (first?.type === 'name' && first.value === root && second?.type === 'name' && typeof second.value === 'string') names.add(second.value);
  }
  for (const value of Object.values(ast)) if (value !== null && typeof value === 'object') collectPaths(value, root, names);
}

/** Truthiness of a `when`/`until` result, as JSONata's `$boolean` defines it. */
export function isTruthy(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.some(isTruthy);
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}
