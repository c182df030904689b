import { parse, stringify } from 'yaml';

/** Whether a parsed document is the designer format of `weft import` (nodes with dependencies, connections) rather than a Weft definition. */
function isDesigner(doc: unknown): boolean {
  if (doc === null || typeof doc !== 'object') return false;
  const d = doc as { apiVersion?: unknown; connections?: unknown };
  return d.apiVersion === undefined && (Array.isArray(d.connections) || 'nodes' in d);
}

/**
 * An imported file as definition YAML: YAML as it is (comments kept), JSON
 * as YAML, and the designer format converted as `weft import` does
 * (`src/dag/import-designer.ts`, loaded only when such a file comes).
 */
export async function toYamlDefinition(fileName: string, text: string): Promise<{ text: string; notes: string[] }> {
  const doc: unknown = parse(text);
  if (isDesigner(doc)) {
    const { importDesigner } = await import('../../../src/dag/import-designer');
    const result = importDesigner(doc, { provider: 'offline' });
    return { text: stringify(result.definition, { lineWidth: 0 }), notes: result.notes };
  }
  if (doc === null || typeof doc !== 'object') throw new Error('not a definition (expected a mapping)');
  return { text: /\.json$/i.test(fileName) || text.trimStart().startsWith('{') ? stringify(doc, { lineWidth: 0 }) : text, notes: [] };
}
