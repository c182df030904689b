import type { FieldSchema } from '../workflows/schema-form';

/** A node kind the palette offers: a built-in type or a plugin type, with the JSON Schema of its node. */
export interface NodeKind {
  type: string;
  description?: string;
  schema: FieldSchema;
}

/** What a new node of a built-in kind starts with, so it is valid (or one field away) as soon as it is added. */
const STARTERS: Record<string, Record<string, unknown>> = {
  agent: { agent: { provider: 'offline', prompt: 'Say hello', mock: { text: 'hello' } } },
  http: { request: { method: 'GET', url: 'https://example.com/' } },
  exec: { command: ['echo', 'hello'] },
  transform: { output: { ok: true } },
  switch: { value: 'input.kind', cases: {} },
  approval: { message: 'Go ahead?' },
  sleep: { duration: '1s' },
  map: { items: 'input.items', node: { type: 'transform', output: '{{ item }}' } },
  loop: { until: 'true', maxIterations: 3, nodes: [{ id: 'step', type: 'transform', output: 1 }] },
  workflow: { workflow: 'other-workflow' },
};

/** A new node of `type` named `id`, as `addNode` takes it. */
export function starterNode(type: string, id: string): { id: string; type: string } & Record<string, unknown> {
  return { id, type, ...(STARTERS[type] ?? { config: {} }) };
}

/** A free id for a new node of `type`: `<type>_<n>`. */
export function freeId(type: string, taken: readonly string[]): string {
  const base = type.replace(/[^A-Za-z0-9_]/g, '_').replace(/^[^A-Za-z_]/, '_');
  for (let n = 1; ; n++) if (!taken.includes(`${base}_${n}`)) return `${base}_${n}`;
}

interface DefinitionSchema {
  properties?: { nodes?: { items?: { anyOf?: FieldSchema[] } } };
}

/**
 * Every node kind of the DSL's JSON Schema (`components.schemas.Definition`
 * of the OpenAPI document: the one zod source, with a node schema per loaded
 * plugin type), in its order: built-in kinds, then plugin types.
 */
export function kindsOf(definition: DefinitionSchema | undefined): NodeKind[] {
  const variants = definition?.properties?.nodes?.items?.anyOf ?? [];
  return variants.flatMap((schema) => {
    const type = (schema.properties?.type as { const?: unknown } | undefined)?.const;
    return typeof type === 'string' ? [{ type, schema, ...(schema.description ? { description: schema.description } : {}) }] : [];
  });
}
