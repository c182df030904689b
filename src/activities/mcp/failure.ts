import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { FailureType } from '../../dag/failure-types.js';
import { activityFailure } from '../failures.js';
import { DestinationRefusedError } from '../http/destination-guard.js';

/**
 * Types what an MCP connection or request threw. Cancellation stays a
 * `CancelledFailure`; a refused destination is final (DESTINATION_REFUSED); the
 * SDK's own request timeout is TIMEOUT; refused credentials (401, 403) are
 * MCP_UNAVAILABLE but final, since asking again changes nothing; anything else
 * (unreachable, connection closed, protocol or JSON-RPC error) is MCP_UNAVAILABLE
 * and retried by the activity's policy. `stderr` is the end of a stdio server's.
 */
export function mcpFailure(server: string, err: unknown, signal: AbortSignal, stderr = ''): ApplicationFailure | CancelledFailure {
  if (signal.aborted) return err instanceof CancelledFailure ? err : new CancelledFailure('cancelled');
  if (err instanceof ApplicationFailure) return err;
  const causes = chain(err);
  const refused = causes.find((e) => e instanceof DestinationRefusedError);
  if (refused) return activityFailure({ type: FailureType.DestinationRefused, message: `MCP server ${server}: ${refused.message}`, nonRetryable: true });
  const message = `MCP server ${server}: ${causes.map((e) => e.message).join(': ')}${stderr ? ` (stderr: ${stderr})` : ''}`;
  if (err instanceof McpError && err.code === (ErrorCode.RequestTimeout as number)) return activityFailure({ type: FailureType.Timeout, message });
  const status = err instanceof UnauthorizedError ? 401 : err instanceof StreamableHTTPError ? err.code : undefined;
  if (status === 401 || status === 403) {
    return activityFailure({ type: FailureType.McpUnavailable, message: `${message} (HTTP ${status}: the server refused the credentials, check its headers)`, nonRetryable: true });
  }
  return activityFailure({ type: FailureType.McpUnavailable, message });
}

/** The error and its causes (fetch wraps the network's reason in `cause`), at most five deep. */
function chain(err: unknown): Error[] {
  const errors: Error[] = [];
  for (let e: unknown = err; e instanceof Error && errors.length < 5; e = e.cause) errors.push(e);
  return errors.length > 0 ? errors : [new Error(String(err))];
}
