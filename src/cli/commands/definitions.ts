import type { Command } from 'commander';
import { mermaidDiagram } from '../../dag/diagram.js';
import { parseDefinitionText } from '../../dag/parse.js';
import type { Definition } from '../../dag/schema.js';
import type { ApiClient, ValidationWire } from '../api-client.js';
import { asciiDiagram } from '../ascii-diagram.js';
import { CliError, usageError } from '../cli-error.js';
import { describeWarnings, isFileArgument, readDefinitionFile, validateFile } from '../definition-file.js';
import { ExitCode } from '../exit-codes.js';
import { printJson } from '../output.js';
import { apiAction, type JsonOption } from './client-command.js';

/** `weft validate` options: offline unless `--remote`. */
interface ValidateOptions extends JsonOption {
  remote?: boolean;
}

/**
 * `weft validate <file>`: 0 valid, 2 invalid with every error at its JSON
 * pointer and line. Offline by default (no Weft needed: a pre-commit hook or a
 * CI job); `--remote` asks the API, which also checks workflow references
 * against the stored workflows. Warnings and notes go to stderr.
 */
async function validate(client: ApiClient, path: string, options: ValidateOptions): Promise<number> {
  const file = readDefinitionFile(path);
  try {
    // Loaded when used: the validator, JSON Schema and the plugin loader are not every command's start-up cost.
    const { answer, unchecked } = options.remote ? { answer: await validateFile(client, file), unchecked: [] } : await (await import('../offline-validation.js')).validateOffline(file);
    if (options.json) printJson(answer);
    else process.stdout.write(`${path}: valid (${answer.plan.nodes.length} nodes in ${answer.plan.levels.length} levels)\n`);
    // Warnings (a deprecated model) do not change the exit code: the definition is valid.
    if (!options.json) for (const line of describeWarnings(file, answer)) process.stderr.write(`${line}\n`);
    if (unchecked.length > 0) process.stderr.write(`note: workflow references not checked offline: ${unchecked.join(', ')} (weft validate --remote checks them against the stored workflows)\n`);
    return ExitCode.ok;
  } catch (err) {
    // With --json the errors are the output: machine-readable on stdout, still exit 2.
    if (!options.json || !(err instanceof CliError) || err.code !== 'VALIDATION_FAILED') throw err;
    printJson({ valid: false, ...(err.details as object) });
    return ExitCode.invalid;
  }
}

/** The plan of a file, or of a stored workflow's latest definition, as the API compiles it. */
async function planOf(client: ApiClient, target: string): Promise<ValidationWire['plan']> {
  if (isFileArgument(target)) return (await validateFile(client, readDefinitionFile(target))).plan;
  const stored = await client.getWorkflow(target);
  return (await client.validate(JSON.stringify(stored.definition), 'application/json')).plan;
}

/** `weft diagram <name | file> [--format mermaid|ascii]`. */
async function diagram(client: ApiClient, target: string, options: { format: string }): Promise<void> {
  if (options.format === 'ascii') {
    process.stdout.write(`${asciiDiagram(await planOf(client, target))}\n`);
  } else if (options.format === 'mermaid') {
    if (!isFileArgument(target)) return void process.stdout.write(await client.diagram(target));
    // A file has no stored diagram (storing it would be a side effect): once the API found it valid, the same drawing is made here.
    const file = readDefinitionFile(target);
    await validateFile(client, file);
    process.stdout.write(mermaidDiagram(parseDefinitionText(file.text) as Definition));
  } else {
    throw usageError('--format is mermaid or ascii');
  }
}

/** Registers `weft validate` and `weft diagram`. */
export function registerDefinitions(program: Command): void {
  program
    .command('validate')
    .description('validate a definition file, offline (with the plugins of WEFT_PLUGINS/WEFT_PLUGIN_DIR): every error with its JSON pointer and line')
    .argument('<file>', 'a .yaml or .json definition')
    .option('--remote', 'ask the running Weft instead (also checks workflow references against the stored workflows)')
    .option('--json', 'machine output')
    .action(apiAction(validate));
  program
    .command('diagram')
    .description('draw a workflow (stored, or a file) as a Mermaid flowchart or as text')
    .argument('<name|file>', 'a workflow name, or a definition file')
    .option('--format <format>', 'mermaid or ascii', 'mermaid')
    .action(apiAction(diagram));
}
