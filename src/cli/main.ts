#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { CliError } from './cli-error.js';
import { registerAdmin } from './commands/admin.js';
import { registerAlerts } from './commands/alerts.js';
import { registerExport } from './commands/export.js';
import { registerCompletion } from './commands/completion.js';
import { registerDefinitions } from './commands/definitions.js';
import { registerRun } from './commands/run.js';
import { registerRuns } from './commands/runs.js';
import { registerSchedules } from './commands/schedules.js';
import { registerServers } from './commands/servers.js';
import { registerWorkflows } from './commands/workflows.js';
import { DEFAULT_URL } from './connection.js';
import { ExitCode } from './exit-codes.js';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

const program = new Command('weft')
  .description('Durable DAG workflows of AI-agent steps on Temporal')
  .version(version, '-V, --version')
  .addOption(new Option('--url <url>', `the Weft API (env WEFT_URL, default ${DEFAULT_URL})`))
  .addOption(new Option('--key <key>', 'API key (env WEFT_KEY, default <WEFT_DATA_DIR>/admin-key)'))
  // Set before the commands are added: they inherit these, so their usage errors end here too.
  .showHelpAfterError()
  .exitOverride()
  // Usage errors read like every other error: `USAGE: message` (exit 2).
  .configureOutput({ outputError: (text, write) => write(`USAGE: ${text.replace(/^error: /, '')}`) });

registerServers(program);
registerRun(program);
registerDefinitions(program);
registerWorkflows(program);
registerRuns(program);
registerSchedules(program);
registerAdmin(program);
registerAlerts(program);
registerExport(program);
registerCompletion(program);

program.parseAsync().catch((err: unknown) => {
  if (err instanceof CommanderError) {
    // Help and --version end through here too, with code 0.
    process.exit(err.exitCode === 0 ? 0 : ExitCode.invalid);
  }
  if (err instanceof CliError) {
    process.stderr.write(`${err.code}: ${err.message}\n`);
    process.exit(err.exitCode);
  }
  // Anything else is a bug or a failure of `dev`/`api`/`worker`: its message, never its stack.
  const code = (err as { code?: unknown }).code;
  process.stderr.write(`${typeof code === 'string' ? code : 'ERROR'}: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(ExitCode.failed);
});
