import { mkdir, realpath } from 'node:fs/promises';
import { DEFAULT_INHERITED_ENV_VARS, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { FailureType } from '../../dag/failure-types.js';
import { allowedEnv, sandboxedArgv } from '../exec/sandbox.js';
import { activityFailure } from '../failures.js';
import type { McpClientDeps } from './types.js';

/** How much of a stdio server's stderr a failure message quotes (its end). */
const STDERR_TAIL = 2_000;

/** A started-on-demand stdio server: the transport, a hard stop, and the end of what it wrote to stderr. */
export interface StdioServer {
  transport: StdioClientTransport;
  /** Kills the sandbox at once (cancellation must not wait for the SDK's graceful close). */
  kill(): void;
  stderrTail(): string;
}

/**
 * The stdio transport for a server given by `command`: refused unless the worker
 * sets WEFT_MCP_STDIO=1, and run the way exec runs `policy: sandbox` (bubblewrap:
 * no network, read-only system, only the workspace writable, its root as cwd)
 * with only WEFT_EXEC_ENV_ALLOW's variables plus the server's `env`.
 */
export async function stdioServer(name: string, command: string[], env: Record<string, string> | undefined, deps: McpClientDeps): Promise<StdioServer> {
  if (!deps.stdio) {
    throw activityFailure({ type: FailureType.McpStdioDisabled, message: `MCP server ${name} is a command (stdio), which this worker does not start (set WEFT_MCP_STDIO=1 to allow it)`, nonRetryable: true });
  }
  await mkdir(deps.workspace, { recursive: true });
  const workspace = await realpath(deps.workspace);
  const [bwrap, ...args] = sandboxedArgv(workspace, workspace, command, `MCP server ${name} (stdio)`, deps.sandboxReadOnly);
  const transport = new StdioClientTransport({ command: bwrap!, args, cwd: workspace, env: serverEnv(deps.envAllow, env), stderr: 'pipe' });
  let tail = '';
  // Read always: an unread pipe would fill and block the server.
  transport.stderr?.on('data', (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-STDERR_TAIL);
  });
  return {
    transport,
    kill() {
      const pid = transport.pid;
      try {
        // The sandbox (--die-with-parent, its own pid namespace) dies with bwrap.
        if (pid) process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    },
    stderrTail: () => tail.trim(),
  };
}

/**
 * The server's environment. The SDK always lays its own defaults (HOME, USER,
 * SHELL, …) under the given env; those the allow-list does not name are set to
 * undefined, which Node's spawn leaves out, so the allow-list is the whole story.
 */
function serverEnv(envAllow: string[], env: Record<string, string> | undefined): Record<string, string> {
  const hidden = Object.fromEntries(DEFAULT_INHERITED_ENV_VARS.filter((name) => !envAllow.includes(name)).map((name) => [name, undefined]));
  return { ...hidden, ...allowedEnv(envAllow), ...env } as Record<string, string>;
}
