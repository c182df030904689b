import type { Command } from 'commander';
import { mermaidDiagram } from '../../dag/diagram.js';
import { parseDefinitionText } from '../../dag/parse.js';
import type { Definition } from '../../dag/schema.js';
import type { ApiClient, ValidationWire } from '../api-client.js';
import { asciiDiagram } from '../ascii-diagram.js';
import { CliError, usageError } from '../cli-error.js';
import { isFileArgument, readDefinitionFile, validateFile } from '../definition-file.js';
import { ExitCode } from '../exit-codes.js';
import { printJson } from '../output.js';
import { apiAction, type JsonOption } from './client-command.js';

/** `weft validate <file>`: 0 valid, 2 invalid with every error at its JSON pointer and line. */
async function validate(client: ApiClient, path: string, options: JsonOption): Promise<number> {
  const file = readDefinitionFile(path);
  try {
    const result = await validateFile(client, file);
    if (options.json) printJson(result);
    else process.stdout.write(`${path}: valid (${result.plan.nodes.length} nodes in ${result.plan.levels.length} levels)\n`);
    // Warnings (a deprecated model) do not change the exit code: the definition is valid.
    if (!options.json) for (const w of result.warnings) process.stderr.write(`${path}: warning ${w.code} ${w.path}: ${w.message}\n`);
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
    .description('validate a definition file: every error with its JSON pointer and line')
    .argument('<file>', 'a .yaml or .json definition')
    .option('--json', 'machine output')
    .action(apiAction(validate));
  program
    .command('diagram')
    .description('draw a workflow (stored, or a file) as a Mermaid flowchart or as text')
    .argument('<name|file>', 'a workflow name, or a definition file')
    .option('--format <format>', 'mermaid or ascii', 'mermaid')
    .action(apiAction(diagram));
}
