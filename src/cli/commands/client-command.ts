import type { Command } from 'commander';
import { ApiClient } from '../api-client.js';
import { resolveConnection, type ConnectionOptions } from '../connection.js';
import { print } from '../output.js';

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

/** Adds a read command with `--json`: the API's answer as is, or as `human` puts it. */
export function readCommand<T>(parent: Command, name: string, description: string, read: (client: ApiClient) => Promise<T>, human: (value: T) => string): Command {
  return parent
    .command(name)
    .description(description)
    .option('--json', 'machine output')
    .action(apiAction(async (client, options: JsonOption) => print(await read(client), options.json, human)));
}

/** Adds a command that deletes `<id>` and says so. */
export function deleteCommand(parent: Command, name: string, description: string, remove: (client: ApiClient, id: string) => Promise<void>, done: (id: string) => string): Command {
  return parent
    .command(name)
    .description(description)
    .argument('<id>')
    .action(
      apiAction(async (client, id: string) => {
        await remove(client, id);
        process.stdout.write(`${done(id)}\n`);
      }),
    );
}
