import type { Command } from 'commander';
import { ApiClient } from '../api-client.js';
import { resolveConnection, type ConnectionOptions } from '../connection.js';

/** `--json`, which every read command takes. */
export interface JsonOption {
  json?: boolean;
}

/** The API client for a command, from the program's `--url` and `--key`. */
export function clientOf(command: Command): ApiClient {
  return new ApiClient(resolveConnection(command.optsWithGlobals<ConnectionOptions>()));
}

/**
 * A commander action that talks to the API: gets the client, and sets the exit
 * code the handler answers (errors go to the program's one error handler).
 */
export function apiAction<A extends unknown[]>(handler: (client: ApiClient, ...args: A) => Promise<number | void>) {
  return async function (this: Command, ...args: A): Promise<void> {
    const code = await handler(clientOf(this), ...args);
    if (typeof code === 'number') process.exitCode = code;
  };
}
