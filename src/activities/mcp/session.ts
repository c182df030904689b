import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { RequestOptions } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { FetchLike, Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { mcpFailure } from './failure.js';
import { httpTransport } from './http-transport.js';
import { stdioServer } from './stdio-transport.js';
import type { McpClientDeps, ResolvedMcpServer } from './types.js';

/** Longest wait setTimeout accepts: the SDK's request timeout (60 s by default) must not cut a long tool call; the signal and the caller's timeout govern. */
const NO_SDK_TIMEOUT = 2 ** 31 - 1;

/** What a session needs besides the server: the worker's rules, the guarded fetch, the attempt's signal and time. */
export interface SessionContext {
  deps: McpClientDeps;
  fetch: FetchLike;
  signal: AbortSignal;
  timeoutMs?: number | undefined;
}

/**
 * Opens a connection to the server (one per use: stateful MCP sessions across
 * calls are out of scope), initializes it, runs `use`, and closes it whatever
 * happens. Aborting the signal tears the connection down at once (a stdio
 * server is killed), so the pending request rejects promptly; every error
 * leaves typed (`mcpFailure`).
 */
export async function withMcpSession<T>(server: ResolvedMcpServer, ctx: SessionContext, use: (client: Client, options: RequestOptions) => Promise<T>): Promise<T> {
  const { signal } = ctx;
  let stderrTail = () => '';
  let stop: () => void = () => {};
  let client: Client | undefined;
  const onAbort = () => stop();
  try {
    signal.throwIfAborted();
    let transport: Transport;
    if (server.command) {
      const stdio = await stdioServer(server.name, server.command, server.env, ctx.deps);
      ({ transport, stderrTail } = stdio);
      stop = stdio.kill;
    } else {
      transport = httpTransport(server.name, server.url ?? '', server.headers, ctx.fetch);
      stop = () => void transport.close().catch(() => {});
    }
    signal.addEventListener('abort', onAbort, { once: true });
    client = new Client({ name: 'weft', version: '1' });
    const options: RequestOptions = { signal, timeout: ctx.timeoutMs ?? NO_SDK_TIMEOUT };
    await client.connect(transport, options);
    return await use(client, options);
  } catch (err) {
    throw mcpFailure(server.name, err, signal, stderrTail());
  } finally {
    signal.removeEventListener('abort', onAbort);
    await client?.close().catch(() => {});
  }
}
