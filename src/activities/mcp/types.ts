import type { DestinationPolicy } from '../http/destination-guard.js';

/**
 * One `mcp:` server of a definition as the activity uses it: templates resolved
 * and secrets revealed by the caller. Exactly one of `url` (Streamable HTTP) and
 * `command` (stdio) is set, as the definition's schema demands.
 */
export interface ResolvedMcpServer {
  /** The server's name in the definition; failure messages name it. */
  name: string;
  url?: string | undefined;
  headers?: Record<string, string> | undefined;
  command?: string[] | undefined;
  env?: Record<string, string> | undefined;
}

/** A tool as the server lists it (`tools/list`). */
export interface McpTool {
  name: string;
  /** The server's description, or '' when it gives none. */
  description: string;
  /** The JSON Schema (`type: object`) of the tool's arguments. */
  inputSchema: Record<string, unknown>;
}

/** What one `tools/call` returned. A tool error (`isError`) is a result, not a thrown failure. */
export interface McpCallResult {
  isError: boolean;
  /** The result's `structuredContent`, when the server gave one. */
  structuredContent?: unknown;
  /** The text content items, joined by newlines; other content items as a short JSON description each. */
  text: string;
}

/** What the worker allows MCP connections to do, from its settings. */
export interface McpClientDeps {
  /** WEFT_MCP_STDIO: servers given by `command` may be started. */
  stdio: boolean;
  /** The exec workspace root: a stdio server's working directory, the only writable place in its sandbox. */
  workspace: string;
  /** WEFT_EXEC_ENV_ALLOW: the worker variables a stdio server sees (besides its `env`). */
  envAllow: string[];
  /** WEFT_EXEC_SANDBOX_READONLY: paths under /tmp a stdio server's sandbox shows read-only. */
  sandboxReadOnly?: string[];
  /** The http nodes' destination guard policy, applied to server URLs. */
  policy: DestinationPolicy;
}

/** The `_meta` field of a `tools/call` that carries the call's idempotency key (weft-agents §3.3). */
export const IDEMPOTENCY_META_KEY = 'weft/idempotencyKey';
