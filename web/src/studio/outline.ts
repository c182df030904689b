import { addReads, graphOf, readDraft, type DraftNode } from './doc-edit';

/** What the studio draws from a text: answered by the draft worker. */
export interface Outline {
  text: string;
  /** Null when the text does not parse (the page keeps the last graph). */
  graph: DraftNode[] | null;
  /** YAML syntax errors at their text range. */
  errors: { message: string; from: number; to: number }[];
}

export interface OutlineRequest {
  text: string;
}

/** The outline of a text (pure: a parse and a walk). */
export function outlineOf(text: string): Outline {
  const draft = readDraft(text);
  return {
    text,
    graph: draft.doc.errors.length === 0 ? graphOf(draft) : null,
    errors: draft.doc.errors.map((e) => ({ message: e.message.split('\n')[0]!, from: e.pos[0], to: Math.max(e.pos[1], e.pos[0] + 1) })),
  };
}

/** Every string in a JSON value, through arrays and objects. */
function addStringReads(value: unknown, into: Set<string>): void {
  if (typeof value === 'string') addReads(value, into);
  else if (Array.isArray(value)) for (const v of value) addStringReads(v, into);
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) addStringReads(v, into);
}

/**
 * The graph of a stored definition (the API's JSON) as `graphOf` reads it from
 * its text: the studio draws a saved version at once, before any parse of its text.
 */
export function graphOfDefinition(definition: unknown): DraftNode[] {
  const nodes = (definition as { nodes?: unknown } | null)?.nodes;
  if (!Array.isArray(nodes)) return [];
  return nodes.flatMap((n: { id?: unknown; type?: unknown; needs?: unknown }) => {
    if (typeof n?.id !== 'string' || n.id === '') return [];
    const reads = new Set<string>();
    addStringReads(n, reads);
    reads.delete(n.id);
    const needs = Array.isArray(n.needs) ? n.needs.filter((x): x is string => typeof x === 'string') : [];
    return [{ id: n.id, type: typeof n.type === 'string' ? n.type : '?', needs, reads: [...reads] }];
  });
}
