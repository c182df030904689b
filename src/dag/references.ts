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
