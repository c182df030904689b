import { z } from 'zod';
import { BUILTIN_ROLES } from './roles.js';
import type { Definition, NodeSpec } from './schema.js';

/** The workflow-designer format of the older orchestrator (shared/seeds/000): nodes and connections. */
const designerSchema = z.object({
  name: z.string().min(1),
  description: z.string().optional(),
  nodes: z
    .array(
      z.object({
        id: z.string().min(1),
        type: z.enum(['task', 'decision', 'parallel', 'sequential', 'start', 'end']),
        title: z.string().optional(),
        description: z.string().optional(),
        config: z.record(z.string(), z.unknown()).optional(),
        dependencies: z.array(z.string()).optional(),
      }),
    )
    .min(1),
  connections: z
    .array(z.object({ source_id: z.string(), target_id: z.string(), label: z.string().optional(), condition: z.string().optional() }))
    .optional(),
});

export type DesignerWorkflow = z.infer<typeof designerSchema>;

export interface ImportOptions {
  /** Provider for the agent nodes made from tasks and decisions (`defaults.agent.provider`). */
  provider: string;
  model?: string | undefined;
}

/** The imported definition, with notes on what did not map one to one. */
export interface ImportResult {
  definition: Definition;
  notes: string[];
}

/** The designer document is not in the expected shape. */
export class DesignerImportError extends Error {
  override readonly name = 'DesignerImportError';
}

/**
 * Converts a workflow-designer document into a Weft definition:
 * - `start` and `end` nodes are dropped (Weft's roots and sinks need no markers);
 * - `task` nodes become agent nodes whose prompt is the node's `config.prompt`, or
 *   its title and description; `config.role` (a built-in role) and `config.model` carry over;
 * - a `decision` becomes an agent node answering `{"choice": …}` plus a `switch`
 *   (`<id>_route`) that sends each labelled connection's target its branch;
 *   unlabelled connections are the default branch;
 * - `parallel` and `sequential` groups become join points (transforms), keeping
 *   the graph's shape: Weft already runs independent nodes in parallel;
 * - connections and `dependencies` become `needs`; ids are made valid node ids.
 * The result still goes through validation like any definition.
 */
export function importDesigner(doc: unknown, options: ImportOptions): ImportResult {
  const parsed = designerSchema.safeParse(doc);
  if (!parsed.success) throw new DesignerImportError(`not a workflow-designer document: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const source = parsed.data;
  const notes: string[] = [];
  const ids = new Map<string, string>();
  const used = new Set<string>();
  for (const node of source.nodes) {
    let id = node.id.replace(/[^A-Za-z0-9_]/g, '_').replace(/^(?=[0-9])/, '_').slice(0, 60) || 'node';
    for (let n = 2; used.has(id); n++) id = `${id.slice(0, 58)}_${n}`;
    used.add(id);
    ids.set(node.id, id);
    if (id !== node.id) notes.push(`node ${node.id} is ${id} (node ids match ^[A-Za-z_][A-Za-z0-9_]{0,63}$)`);
  }
  const byId = new Map(source.nodes.map((n) => [n.id, n]));
  const markers = new Set(source.nodes.filter((n) => n.type === 'start' || n.type === 'end').map((n) => n.id));
  const connections = source.connections ?? [];
  const needs = new Map<string, Set<string>>(source.nodes.map((n) => [n.id, new Set((n.dependencies ?? []).filter((d) => !markers.has(d)))]));
  for (const c of connections) {
    if (!byId.has(c.source_id) || !byId.has(c.target_id)) throw new DesignerImportError(`connection ${c.source_id} -> ${c.target_id} names a node that does not exist`);
    if (markers.has(c.source_id) || markers.has(c.target_id) || byId.get(c.source_id)!.type === 'decision') continue;
    needs.get(c.target_id)!.add(c.source_id);
  }

  const nodes: NodeSpec[] = [];
  for (const node of source.nodes) {
    if (markers.has(node.id)) continue;
    const id = ids.get(node.id)!;
    const common = { id, ...(node.title ? { title: node.title } : {}), ...(node.description ? { description: node.description } : {}) };
    const config = node.config ?? {};
    const text = [node.title, node.description].filter(Boolean).join(': ') || node.id;
    if (node.type === 'task') {
      const role = typeof config.role === 'string' && config.role in BUILTIN_ROLES ? config.role : undefined;
      nodes.push({
        ...common,
        type: 'agent',
        agent: {
          prompt: typeof config.prompt === 'string' ? config.prompt : text,
          ...(role ? { role } : {}),
          ...(typeof config.model === 'string' ? { model: config.model } : {}),
        },
      } as NodeSpec);
    } else if (node.type === 'decision') {
      const out = connections.filter((c) => c.source_id === node.id && !markers.has(c.target_id));
      const labelled = out.filter((c) => c.label || c.condition);
      const choices = labelled.map((c) => (c.label ?? c.condition)!);
      nodes.push({
        ...common,
        type: 'agent',
        agent: {
          prompt: choices.length > 0 ? `${text}\nAnswer with JSON {"choice": "<one of: ${choices.join(' | ')}>"}.` : text,
          ...(choices.length > 0 ? { output: 'json' as const } : {}),
          // Offline (demos and tests), a decision takes its first choice so the import runs as is.
          ...(choices.length > 0 && options.provider === 'offline' ? { mock: { json: { choice: choices[0] } } } : {}),
        },
      } as NodeSpec);
      if (labelled.length > 0) {
        const cases: Record<string, string[]> = {};
        for (const c of labelled) (cases[(c.label ?? c.condition)!] ??= []).push(ids.get(c.target_id)!);
        const unlabelled = out.filter((c) => !c.label && !c.condition).map((c) => ids.get(c.target_id)!);
        nodes.push({ id: `${id}_route`, type: 'switch', needs: [id], value: `nodes.${id}.output.json.choice`, cases, ...(unlabelled.length > 0 ? { default: unlabelled } : {}) } as NodeSpec);
        notes.push(`decision ${node.id} asks its agent for a choice and routes it with switch ${id}_route`);
      } else {
        for (const c of out) needs.get(c.target_id)!.add(node.id);
      }
    } else {
      nodes.push({ ...common, type: 'transform', output: {} } as NodeSpec);
      notes.push(`${node.type} group ${node.id} is a join point: Weft runs independent nodes in parallel by itself`);
    }
  }
  // Needs last: an unlabelled decision adds needs to targets that may come before it.
  const originalOf = new Map([...ids].map(([original, id]) => [id, original]));
  for (const spec of nodes) {
    const original = originalOf.get(spec.id);
    const list = original === undefined ? [] : [...needs.get(original)!].map((n) => ids.get(n)!);
    if (list.length > 0) spec.needs = [...new Set([...(spec.needs ?? []), ...list])];
  }
  const name = source.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63) || 'imported';
  return {
    definition: {
      apiVersion: 'weft/v1',
      name,
      ...(source.description ? { description: source.description } : {}),
      defaults: { agent: { provider: options.provider, ...(options.model ? { model: options.model } : {}) } },
      nodes,
    },
    notes,
  };
}
