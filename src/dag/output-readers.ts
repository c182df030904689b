import { BARE_EXPRESSION_FIELDS, LITERAL_FIELDS } from './expression-fields.js';
import { forEachTemplateString, parseTemplate } from './expressions.js';
import { readsDynamically, referencedNames } from './references.js';
import type { Definition } from './schema.js';

/**
 * Who reads which node's output. A run that continues as new carries only the
 * outputs something may still read, so a 10,000-node run does not drag every
 * output through every continuation.
 */
export interface OutputReaders {
  /** For each node, the top-level nodes whose expressions (their nested scopes' too) read its output. */
  readers: Map<string, string[]>;
  /** Nodes that read `nodes` other than by a fixed name: while one has not settled, every output is kept. */
  dynamic: string[];
  /** Nodes the run output reads (`outputs`, or every sink by default); null when it reads `nodes` dynamically. */
  forOutput: Set<string> | null;
}

interface Reads {
  names: Set<string>;
  dynamic: boolean;
}

/** Finds the readers of every top-level node of a valid definition. */
export function outputReaders(definition: Definition, sinks: readonly string[]): OutputReaders {
  const readers = new Map<string, string[]>();
  const dynamic: string[] = [];
  for (const spec of definition.nodes) {
    const reads: Reads = { names: new Set(), dynamic: false };
    collectNodeReads(spec as unknown as Record<string, unknown>, reads);
    if (reads.dynamic) dynamic.push(spec.id);
    for (const name of reads.names) {
      const list = readers.get(name);
      if (list) list.push(spec.id);
      else readers.set(name, [spec.id]);
    }
  }
  let forOutput: Set<string> | null = new Set(sinks);
  if (definition.outputs !== undefined) {
    const reads: Reads = { names: new Set(), dynamic: false };
    collectTemplateReads(definition.outputs, reads);
    forOutput = reads.dynamic ? null : reads.names;
  }
  return { readers, dynamic, forOutput };
}

function collectNodeReads(spec: Record<string, unknown>, reads: Reads): void {
  for (const [key, value] of Object.entries(spec)) {
    if (LITERAL_FIELDS.has(key)) continue;
    if (BARE_EXPRESSION_FIELDS.includes(key) && typeof value === 'string') collectExpressionReads(value, reads);
    else if (spec.type === 'loop' && key === 'nodes' && Array.isArray(value)) for (const inner of value) collectNodeReads(inner as Record<string, unknown>, reads);
    else if (spec.type === 'map' && key === 'node' && value !== null && typeof value === 'object') collectNodeReads(value as Record<string, unknown>, reads);
    else collectTemplateReads(value, reads);
  }
}

function collectTemplateReads(value: unknown, reads: Reads): void {
  forEachTemplateString(value, (text) => {
    for (const part of parseTemplate(text) ?? []) if (part.kind === 'expr') collectExpressionReads(part.source, reads);
  });
}

function collectExpressionReads(source: string, reads: Reads): void {
  for (const name of referencedNames(source, 'nodes')) reads.names.add(name);
  if (readsDynamically(source, 'nodes')) reads.dynamic = true;
}
