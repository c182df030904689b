import type { ToolDefinition } from '../../dag/conversation.js';
import { runAttempt, type AttemptDeps } from '../attempt.js';
import type { CallMcpToolInput, ListMcpToolsInput, McpCallOutput, McpServerInput, NodeActivityResult } from '../contract.js';
import type { McpClient } from '../mcp/mcp-client.js';

/**
 * Builds `listMcpTools` and `callMcpTool` (weft-agents 5): the MCP client
 * inside the one activity envelope, which reveals the server's secrets
 * (headers, env) for the attempt only and scrubs them from what it returns.
 */
export function createMcpActivities(deps: { client: McpClient; envelope: AttemptDeps }) {
  return {
    listMcpTools(input: ListMcpToolsInput): Promise<NodeActivityResult<ToolDefinition[]>> {
      return runAttempt(deps.envelope, {
        nodeType: 'mcp',
        input,
        value: input.server,
        prepare: (ctx) => ({
          detail: { server: input.server.name },
          async run() {
            const tools = await deps.client.listMcpTools(ctx.value as McpServerInput, { signal: ctx.signal, timeoutMs: ctx.timeoutMs });
            return { output: tools.map((t) => ({ name: t.name, description: t.description, parameters: withoutDialect(t.inputSchema) })) };
          },
        }),
      });
    },
    callMcpTool(input: CallMcpToolInput): Promise<NodeActivityResult<McpCallOutput>> {
      return runAttempt(deps.envelope, {
        nodeType: 'mcp',
        input,
        value: input.server,
        prepare: (ctx) => ({
          detail: { server: input.server.name, tool: input.tool },
          async run() {
            const key = input.idempotencyKey ?? `${ctx.runId}/${input.nodeId}`;
            return { output: await deps.client.callMcpTool(ctx.value as McpServerInput, input.tool, input.args, { idempotencyKey: key, signal: ctx.signal, timeoutMs: ctx.timeoutMs }) };
          },
        }),
      });
    },
  };
}

/**
 * A listed tool's input schema without its `$schema`: servers built with the
 * SDK declare draft-07, which the 2020-12 validator that checks a call's
 * arguments refuses to compile (every turn failed INTERNAL); the keywords
 * tools use read the same in both drafts.
 */
function withoutDialect(schema: Record<string, unknown>): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = schema;
  return rest;
}
