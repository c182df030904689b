import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { prioritySchema, RUN_PRIORITY } from '../../dag/priority.js';
import type { ApiClient } from '../api-client.js';
import { usageError } from '../cli-error.js';
import { isFileArgument, locate, readDefinitionFile, validateFile } from '../definition-file.js';
import { ExitCode, exitCodeOfRun } from '../exit-codes.js';
import { printJson } from '../output.js';
import { waitForRunEnd } from '../wait.js';
import { watchToEnd } from '../watch/watch-to-end.js';
import { apiAction } from './client-command.js';

interface RunOptions {
  input?: string;
  priority?: string;
  watch?: boolean;
  json?: boolean;
}

/** `--input JSON` or `--input @file.json`; not JSON is a usage error (exit 2). */
export function parseInput(value: string | undefined): unknown {
  if (value === undefined) return undefined;
  let text = value;
  if (value.startsWith('@')) {
    try {
      text = readFileSync(value.slice(1), 'utf8');
    } catch {
      throw usageError(`cannot read the input file ${value.slice(1)}`);
    }
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw usageError(`--input is not JSON: ${(err as Error).message}`);
  }
}

/** `--priority 1..5`; anything else is a usage error (exit 2). */
function parsePriority(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const priority = Number(value);
  if (!prioritySchema.safeParse(priority).success) throw usageError(`--priority must be an integer from ${RUN_PRIORITY.highest} (most urgent) to ${RUN_PRIORITY.lowest}`);
  return priority;
}

/** Stores a definition file (after validating it, for errors at their lines) and answers its name and version. */
async function pushFile(client: ApiClient, path: string): Promise<{ workflow: string; version: number }> {
  const file = readDefinitionFile(path);
  await validateFile(client, file);
  try {
    const saved = await client.pushWorkflow(file.text, file.type);
    return { workflow: saved.name, version: saved.version };
  } catch (err) {
    throw locate(err, file);
  }
}

/** `weft run <name | file> [--input] [--watch] [--json]` (contract weft-ops §10). */
async function run(client: ApiClient, target: string, options: RunOptions): Promise<number> {
  const input = parseInput(options.input);
  const ref = isFileArgument(target) ? await pushFile(client, target) : { workflow: target };
  const priority = parsePriority(options.priority);
  const started = await client.startRun({ ...ref, ...(input === undefined ? {} : { input }), ...(priority === undefined ? {} : { priority }) });
  if (!options.watch) {
    if (options.json) printJson(started);
    else process.stdout.write(`started run ${started.id} of ${started.workflow}${started.version ? ` v${started.version}` : ''}\n`);
    return ExitCode.ok;
  }
  if (options.json) {
    const ended = await waitForRunEnd(client, started.id);
    printJson(ended);
    return exitCodeOfRun(ended.status);
  }
  return watchToEnd(client, started.id);
}

/** Registers `weft run`. */
export function registerRun(program: Command): void {
  program
    .command('run')
    .description('start a run of a stored workflow, or of a definition file (validated and stored first)')
    .argument('<name|file>', 'a workflow name, or a .yaml/.json definition file')
    .option('--input <json>', 'the run input: JSON, or @file.json')
    .option('--priority <1-5>', "the run's task priority: 1 most urgent, 5 batch (default: the definition's limits.priority, else 3)")
    .option('--watch', 'show the run live until it ends; exit with its outcome')
    .option('--json', 'machine output: the started run (with --watch: the ended run)')
    .action(apiAction(run));
}

