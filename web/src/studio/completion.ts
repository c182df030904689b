import type { CompletionContext, CompletionResult } from '@codemirror/autocomplete';
import { isMap, isSeq } from 'yaml';
import type { FieldSchema } from '../workflows/schema-form';
import { graphOf, readDraft } from './doc-edit';

/** The nodes `id` runs after (its needs and reads, transitively): the only ones whose output it may read. */
export function ancestorsOf(text: string, id: string): string[] {
  const graph = new Map(graphOf(readDraft(text)).map((n) => [n.id, [...n.needs, ...n.reads]]));
  const seen = new Set<string>();
  const stack = [...(graph.get(id) ?? [])];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (seen.has(next) || next === id) continue;
    seen.add(next);
    stack.push(...(graph.get(next) ?? []));
  }
  return [...seen].filter((n) => graph.has(n));
}

/** The id of the node whose text holds `pos`. */
function nodeAt(text: string, pos: number): { id: string; output?: FieldSchema } | undefined {
  const { doc } = readDraft(text);
  const seq = doc.get('nodes', true);
  if (!isSeq(seq)) return undefined;
  for (const item of seq.items) {
    if (isMap(item) && item.range && item.range[0] <= pos && pos <= item.range[2]) {
      const id = item.get('id');
      return typeof id === 'string' ? { id } : undefined;
    }
  }
  return undefined;
}

/** A node's output schema when its text declares one (an agent with `output: json` and `schema`). */
function outputSchemaOf(text: string, id: string): FieldSchema | undefined {
  const nodes = (readDraft(text).doc.toJS() as { nodes?: { id?: string; agent?: { schema?: FieldSchema } }[] } | null)?.nodes ?? [];
  return nodes.find((n) => n.id === id)?.agent?.schema;
}

function inputSchemaOf(text: string): FieldSchema | undefined {
  const input = readDraft(text).doc.get('input');
  return isMap(input) ? (input.toJSON() as FieldSchema) : undefined;
}

const properties = (schema: FieldSchema | undefined, prefix: string) =>
  Object.entries(schema?.properties ?? {}).map(([name, s]) => ({ label: name, type: 'property', detail: Array.isArray(s.type) ? s.type.join('|') : s.type, info: `${prefix}${name}` }));

/**
 * Completion in templates and expressions: `input.` offers the input schema's
 * properties, `nodes.` the ancestors of the node being edited, and
 * `nodes.<ancestor>.` its `output` (and, with an output schema, its fields).
 */
export function templateCompletion(ctx: CompletionContext): CompletionResult | null {
  const word = ctx.matchBefore(/(?:input|nodes)(?:\.[A-Za-z_][\w]*)*\.\w*/);
  if (!word) return null;
  const text = ctx.state.doc.toString();
  const parts = word.text.split('.');
  const typed = parts[parts.length - 1]!;
  const from = word.to - typed.length;
  const root = parts[0];
  if (root === 'input' && parts.length === 2) return { from, options: properties(inputSchemaOf(text), 'input.') };
  if (root !== 'nodes') return null;
  const here = nodeAt(text, ctx.pos);
  const readable = here ? ancestorsOf(text, here.id) : graphOf(readDraft(text)).map((n) => n.id);
  if (parts.length === 2) return { from, options: readable.map((id) => ({ label: id, type: 'variable', info: `output of ${id}` })) };
  const id = parts[1]!;
  if (!readable.includes(id)) return null;
  if (parts.length === 3) return { from, options: ['output', 'status', 'error'].map((label) => ({ label, type: 'property' })) };
  if (parts.length === 4 && parts[2] === 'output') {
    const schema = outputSchemaOf(text, id);
    return { from, options: schema ? properties(schema, `nodes.${id}.output.`) : [{ label: 'text', type: 'property' }] };
  }
  return null;
}
