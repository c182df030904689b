import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { FailureType } from '../../dag/failure-types.js';
import { activityFailure } from '../failures.js';
import { contentText } from './content.js';
import { guardedFetch } from './http-transport.js';
import { withMcpSession } from './session.js';
import { IDEMPOTENCY_META_KEY, type McpCallResult, type McpClientDeps, type McpTool, type ResolvedMcpServer } from './types.js';

/** The MCP side of an agent node: list a server's tools, call one. */
export interface McpClient {
  /**
   * Every tool the server lists (`tools/list`, following `nextCursor`).
   * Throws MCP_UNAVAILABLE (retryable, or final for refused credentials),
   * MCP_STDIO_DISABLED, SANDBOX_UNAVAILABLE, DESTINATION_REFUSED, TIMEOUT, or a
   * `CancelledFailure` once `signal` aborts.
   */
  listMcpTools(server: ResolvedMcpServer, ctx: { signal: AbortSignal; timeoutMs?: number | undefined }): Promise<McpTool[]>;
  /**
   * One `tools/call` of `tool` with `args` (a JSON object), the idempotency key
   * sent as `_meta['weft/idempotencyKey']`. A result with `isError` is returned,
   * not thrown; failures as for `listMcpTools`.
   */
  callMcpTool(server: ResolvedMcpServer, tool: string, args: unknown, opts: { idempotencyKey: string; signal: AbortSignal; timeoutMs?: number | undefined }): Promise<McpCallResult>;
}

/**
 * Builds the worker's MCP client from its settings. Each list or call opens its
 * own connection (Streamable HTTP through the destination guard, or a stdio
 * server in the exec sandbox) and closes it. `timeoutMs` (the attempt's time,
 * optional) bounds each request; without it only the signal ends one.
 */
export function createMcpClient(deps: McpClientDeps): McpClient {
  const fetch = guardedFetch(deps.policy);
  return {
    listMcpTools(server, ctx) {
      return withMcpSession(server, { deps, fetch, ...ctx }, listAll);
    },
    callMcpTool(server, tool, args, opts) {
      if (args !== undefined && (args === null || typeof args !== 'object' || Array.isArray(args))) {
        return Promise.reject(activityFailure({ type: FailureType.ConfigInvalid, message: `MCP tool ${server.name}__${tool}: arguments must be a JSON object`, nonRetryable: true }));
      }
      return withMcpSession(server, { deps, fetch, signal: opts.signal, timeoutMs: opts.timeoutMs }, async (client, options) => {
        const result = await client.callTool({ name: tool, arguments: args as Record<string, unknown> | undefined, _meta: { [IDEMPOTENCY_META_KEY]: opts.idempotencyKey } }, undefined, options);
        return {
          isError: result.isError === true,
          ...(result.structuredContent === undefined ? {} : { structuredContent: result.structuredContent }),
          text: contentText(result.content as Parameters<typeof contentText>[0]),
        };
      });
    },
  };
}

async function listAll(client: Client, options: Parameters<Client['listTools']>[1]): Promise<McpTool[]> {
  const tools: McpTool[] = [];
  const seen = new Set<string>();
  let cursor: string | undefined;
  do {
    const page = await client.listTools(cursor === undefined ? undefined : { cursor }, options);
    for (const tool of page.tools) tools.push({ name: tool.name, description: tool.description ?? '', inputSchema: tool.inputSchema });
    cursor = page.nextCursor;
    // A server that hands back a cursor it gave before would page forever.
    if (cursor !== undefined && seen.has(cursor)) throw new Error(`tools/list repeated the cursor ${JSON.stringify(cursor)}`);
    if (cursor !== undefined) seen.add(cursor);
  } while (cursor !== undefined);
  return tools;
}
