import type { Definition, NodeSpec } from './schema.js';

/** Mermaid shapes by node type: decisions as diamonds, waits as hexagons, scopes as subroutines. */
const SHAPES: Record<string, [string, string]> = {
  agent: ['[', ']'],
  http: ['[/', '/]'],
  exec: ['[\\', '\\]'],
  transform: ['(', ')'],
  switch: ['{', '}'],
  approval: ['{{', '}}'],
  sleep: ['([', '])'],
  map: ['[[', ']]'],
  loop: ['[[', ']]'],
  workflow: ['[[', ']]'],
};

/** Plugin nodes (`<plugin>.<type>`) as flags, apart from every built-in shape; the label names the type. */
const PLUGIN_SHAPE: [string, string] = ['>', ']'];

/** A definition as a Mermaid flowchart: one box per node, an arrow per need, switch branches labelled. */
export function mermaidDiagram(definition: Definition): string {
  const lines = ['flowchart TD'];
  const branchEdges = new Set<string>();
  for (const node of definition.nodes) {
    const [open, close] = SHAPES[node.type] ?? (node.type.includes('.') ? PLUGIN_SHAPE : ['[', ']']);
    lines.push(`  ${node.id}${open}"${label(node)}"${close}`);
  }
  for (const node of definition.nodes) {
    if (node.type !== 'switch') continue;
    const branches: [string, string[]][] = [...Object.entries(node.cases), ...(node.default ? [['default', node.default] as [string, string[]]] : [])];
    for (const [key, targets] of branches) {
      for (const target of targets) {
        lines.push(`  ${node.id} -- "${escape(key)}" --> ${target}`);
        branchEdges.add(`${node.id}>${target}`);
      }
    }
  }
  for (const node of definition.nodes) {
    for (const need of node.needs ?? []) {
      if (branchEdges.has(`${need}>${node.id}`)) continue;
      lines.push(`  ${need} ${node.trigger && node.trigger !== 'none_failed' ? `-. ${node.trigger} .->` : '-->'} ${node.id}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function label(node: NodeSpec): string {
  const title = node.title ? `${node.title}<br/>` : '';
  const when = node.when ? `<br/>when ${node.when}` : '';
  return escape(`${title}${node.id} · ${node.type}`) + escape(when);
}

/** Mermaid labels are quoted: quotes and angle brackets become entities (the one `<br/>` we add is kept). */
function escape(text: string): string {
  return text.replace(/"/g, '#quot;').replace(/<(?!br\/>)/g, '#lt;').replace(/(?<!<br\/)>/g, '#gt;');
}
