import type { Definition, NodeSpec } from './schema.js';

/**
 * Node types this build executes. The rest of the DSL is parsed and validated,
 * and a definition that uses it is refused at run start with `NOT_SUPPORTED`,
 * never half-run. The API and the interpreter both ask this one function.
 */
export const EXECUTABLE_NODE_TYPES: ReadonlySet<string> = new Set(['agent', 'transform', 'http', 'exec', 'switch', 'sleep', 'approval', 'loop', 'map', 'workflow']);

/** Why this build cannot run a definition, or null when it can. */
export function unsupportedFeature(definition: Definition): string | null {
  return scopeFeature(definition.nodes);
}

function scopeFeature(nodes: NodeSpec[]): string | null {
  for (const node of nodes) {
    const feature = nodeFeature(node) ?? (node.type === 'loop' ? scopeFeature(node.nodes) : node.type === 'map' && node.node ? nodeFeature({ ...node.node, id: node.id } as NodeSpec) : null);
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
