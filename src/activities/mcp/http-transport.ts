import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { Agent, fetch } from 'undici';
import { FailureType } from '../../dag/failure-types.js';
import { activityFailure } from '../failures.js';
import { destinationGuard, DestinationRefusedError, type DestinationPolicy } from '../http/destination-guard.js';

/**
 * The fetch every MCP HTTP request goes through: the http nodes' destination
 * guard on the URL's host (IP literals) and on the address each connection
 * uses, so a server URL, and any redirect the SDK follows, reaches only what an
 * http node could. Built once per worker (one connection pool).
 */
export function guardedFetch(policy: DestinationPolicy): FetchLike {
  const guard = destinationGuard(policy);
  const dispatcher = new Agent({ connect: { lookup: guard.lookup as never } });
  return async (target, init) => {
    const url = new URL(target);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new DestinationRefusedError(`only http and https URLs are allowed, not ${url.protocol}`);
    guard.checkHost(url.hostname);
    // undici's fetch is the global fetch with a dispatcher option; only their type declarations differ.
    return (await fetch(url, { ...(init as object), dispatcher })) as unknown as Response;
  };
}

/** The Streamable HTTP transport to `url`, sending `headers` on every request. */
export function httpTransport(name: string, url: string, headers: Record<string, string> | undefined, fetchFn: FetchLike): StreamableHTTPClientTransport {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw activityFailure({ type: FailureType.ConfigInvalid, message: `MCP server ${name}: url ${JSON.stringify(url)} is not a URL`, nonRetryable: true });
  }
  return new StreamableHTTPClientTransport(parsed, { fetch: fetchFn, requestInit: { headers: headers ?? {} } });
}
