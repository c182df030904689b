import type { Definition, NodeSpec } from './schema.js';

/**
 * Node types this build executes. The rest of the DSL is parsed and validated,
 * and a definition that uses it is refused at run start with `NOT_SUPPORTED`,
 * never half-run. The API and the interpreter both ask this one function.
 */
export const EXECUTABLE_NODE_TYPES: ReadonlySet<string> = new Set(['agent', 'transform', 'http', 'exec', 'switch', 'sleep', 'approval']);

/** Why this build cannot run a definition, or null when it can. */
export function unsupportedFeature(definition: Definition): string | null {
  for (const node of definition.nodes) {
    const feature = nodeFeature(node);
    if (feature) return `node ${node.id}: ${feature} is not supported by this Weft version yet`;
  }
  return null;
}

function nodeFeature(node: NodeSpec): string | null {
  if (!EXECUTABLE_NODE_TYPES.has(node.type)) return `node type ${node.type}`;
  if ('cache' in node && node.cache) return 'cache';
  if (node.totalTimeout !== undefined) return 'totalTimeout';
  return null;
}
