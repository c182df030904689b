import { collectPaths, compileExpression } from './expressions.js';

/**
 * The names an expression reads through a two-step path such as `nodes.x.output`
 * or `secrets.TOKEN`: for root `nodes`, the set of node ids it reads.
 * @throws ExpressionError on a syntax error.
 */
export function referencedNames(source: string, root: string): Set<string> {
  const names = new Set<string>();
  collectPaths(compileExpression(source).ast(), root, names);
  return names;
}

/**
 * Whether an expression reads `root` other than through a fixed name
 * (`$keys(nodes)`, `nodes[0]`, `nodes.*`): then no static list of what it reads exists.
 * @throws ExpressionError on a syntax error.
 */
export function readsDynamically(source: string, root: string): boolean {
  return hasDynamicRead(compileExpression(source).ast(), root);
}

type Step = { type?: string; value?: unknown; stages?: unknown[]; predicate?: unknown[] };

function hasDynamicRead(node: unknown, root: string): boolean {
  if (Array.isArray(node)) return node.some((child) => hasDynamicRead(child, root));
  if (node === null || typeof node !== 'object') return false;
  const ast = node as { type?: string; steps?: Step[] };
  if (ast.type === 'path' && Array.isArray(ast.steps)) {
    // `$.nodes` and `$$.nodes` read the same root as `nodes`.
    const steps = ast.steps[0]?.type === 'variable' && ast.steps[0].value === '' ? ast.steps.slice(1) : ast.steps;
    const [first, second] = steps;
    if (first?.type === 'name' && first.value === root) {
      const fixed = !first.stages && !first.predicate && second?.type === 'name' && typeof second.value === 'string';
      if (!fixed) return true;
    }
  }
  return Object.values(ast).some((value) => value !== null && typeof value === 'object' && hasDynamicRead(value, root));
}

/**
 * Whether an expression reads `root` at all (`root`, `root.x`, `$.root`, `root[0]`):
 * for places that cannot see a root (a tool's templates cannot see `nodes`).
 * @throws ExpressionError on a syntax error.
 */
export function readsRoot(source: string, root: string): boolean {
  return hasRootRead(compileExpression(source).ast(), root);
}

function hasRootRead(node: unknown, root: string): boolean {
  if (Array.isArray(node)) return node.some((child) => hasRootRead(child, root));
  if (node === null || typeof node !== 'object') return false;
  const ast = node as { type?: string; steps?: Step[] };
  if (ast.type === 'path' && Array.isArray(ast.steps)) {
    const steps = ast.steps[0]?.type === 'variable' && ast.steps[0].value === '' ? ast.steps.slice(1) : ast.steps;
    if (steps[0]?.type === 'name' && steps[0].value === root) return true;
  }
  return Object.values(ast).some((value) => value !== null && typeof value === 'object' && hasRootRead(value, root));
}
