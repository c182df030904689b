import type { ValidationWire } from './api-client.js';

type Plan = ValidationWire['plan'];

/**
 * A plan drawn in plain text, level by level (what can run together shares a
 * level), each node with its type and what it needs:
 *
 *     1  [fetch] http
 *        |
 *     2  [summarize] agent  <- fetch
 */
export function asciiDiagram(plan: Plan): string {
  const byId = new Map(plan.nodes.map((n) => [n.id, n]));
  const label = (id: string) => `[${id}] ${byId.get(id)?.type ?? ''}`.trimEnd();
  const labelWidth = Math.max(...plan.nodes.map((n) => label(n.id).length), 0);
  const lines: string[] = [];
  plan.levels.forEach((level, index) => {
    if (index > 0) lines.push('    |');
    level.forEach((id, i) => {
      const node = byId.get(id);
      const needs = node?.needs.length ? `  <- ${node.needs.join(', ')}${node.trigger !== 'none_failed' ? ` (${node.trigger})` : ''}` : '';
      const prefix = i === 0 ? String(index + 1).padStart(2) : '  ';
      lines.push(`${prefix}  ${label(id).padEnd(labelWidth)}${needs}`.trimEnd());
    });
  });
  return lines.join('\n');
}
