import { compileExpression } from './expressions.js';

interface AstNode {
  type?: string;
  value?: unknown;
  steps?: AstNode[];
  [key: string]: unknown;
}

/**
 * The roots an expression reads through a two-step path such as `nodes.x.output`
 * or `secrets.TOKEN`: for root `nodes`, the set of node ids it reads.
 * @throws ExpressionError on a syntax error.
 */
export function referencedNames(source: string, root: string): Set<string> {
  const names = new Set<string>();
  visit(compileExpression(source).ast() as AstNode, root, names);
  return names;
}

function visit(node: unknown, root: string, names: Set<string>): void {
  if (Array.isArray(node)) {
    for (const child of node) visit(child, root, names);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const ast = node as AstNode;
  if (ast.type === 'path' && Array.isArray(ast.steps)) {
    const [first, second] = ast.steps;
    if (first?.type === 'name' && first.value === root && second?.type === 'name' && typeof second.value === 'string') {
      names.add(second.value);
    }
  }
  for (const value of Object.values(ast)) {
    if (value !== null && typeof value === 'object') visit(value, root, names);
  }
}
