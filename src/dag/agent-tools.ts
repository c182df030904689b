import type { ToolDefinition } from './conversation.js';
import type { Definition, McpServerSpec, ToolKind, ToolSpec } from './schema.js';

/** A tool an agent node may call, as the loop runs it: a tool of `tools`, or an MCP server's. */
export type ToolRef = DefinedToolRef | McpToolRef;
/** A tool of the definition's `tools`. */
export interface DefinedToolRef {
  kind: ToolKind;
  name: string;
  spec: ToolSpec;
}
/** A tool an MCP server lists. */
export interface McpToolRef {
  kind: 'mcp';
  name: string;
  server: string;
  tool: string;
  spec: McpServerSpec;
}

/** Which of an MCP server's tools a node takes: `all` its allowed ones, or the ones it names. */
export interface McpSelection {
  server: string;
  tools: 'all' | string[];
}

/** The name the model sees for an MCP server's tool. */
export const mcpToolName = (server: string, tool: string): string => `${server}__${tool}`;

/** The kind of a tool of `tools` (validation guarantees exactly one). */
export function toolKind(spec: ToolSpec): ToolKind {
  if (spec.http) return 'http';
  if (spec.exec) return 'exec';
  if (spec.workflow) return 'workflow';
  if (spec.plugin) return 'plugin';
  return 'agent';
}

/**
 * Splits a node's `tools` list (weft-agents 1) into the definition's tools and
 * the MCP servers to list when the node starts. Names are taken as validated.
 */
export function selectTools(definition: Pick<Definition, 'tools' | 'mcp'>, names: readonly string[]): { defined: DefinedToolRef[]; mcp: McpSelection[] } {
  const defined: DefinedToolRef[] = [];
  const mcp = new Map<string, McpSelection>();
  for (const name of names) {
    const [head, server, tool] = name.split('.');
    if (head === 'mcp' && server !== undefined) {
      const selection = mcp.get(server) ?? { server, tools: [] };
      if (tool === undefined) selection.tools = 'all';
      else if (selection.tools !== 'all') selection.tools.push(tool);
      mcp.set(server, selection);
      continue;
    }
    const spec = definition.tools?.[name];
    if (spec) defined.push({ kind: toolKind(spec), name, spec });
  }
  return { defined, mcp: [...mcp.values()] };
}

/** The tools of one MCP server a node takes, as the model sees them, from what the server listed. */
export function mcpTools(selection: McpSelection, spec: McpServerSpec, listed: readonly ToolDefinition[]): { refs: ToolRef[]; definitions: ToolDefinition[] } {
  const allowed = listed.filter((t) => (spec.tools === undefined || spec.tools.includes(t.name)) && (selection.tools === 'all' || selection.tools.includes(t.name)));
  return {
    refs: allowed.map((t) => ({ kind: 'mcp', name: mcpToolName(selection.server, t.name), server: selection.server, tool: t.name, spec })),
    definitions: allowed.map((t) => ({ ...t, name: mcpToolName(selection.server, t.name) })),
  };
}

/** What the model is told of a tool of `tools`. */
export function toolDefinition(ref: DefinedToolRef): ToolDefinition {
  return { name: ref.name, description: ref.spec.description, parameters: ref.spec.parameters };
}
