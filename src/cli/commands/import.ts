import { readFile, writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';
import { importDesigner } from '../../dag/import-designer.js';
import { parseDefinitionText } from '../../dag/parse.js';
import { validateDefinition } from '../../dag/validate.js';

export interface ImportCommandOptions {
  provider: string;
  model?: string;
  format: 'yaml' | 'json';
  out?: string;
}

/**
 * `weft import <file>`: converts a workflow-designer document (JSON or YAML) into
 * a Weft definition, validates it, and writes it (stdout by default). Notes on
 * what did not map one to one go to stderr. Exit code 1 if the result is invalid.
 */
export async function importCommand(file: string, options: ImportCommandOptions): Promise<number> {
  const { definition, notes } = importDesigner(parseDefinitionText(await readFile(file, 'utf8')), options);
  for (const note of notes) process.stderr.write(`note: ${note}\n`);
  const result = await validateDefinition(definition);
  if (!result.valid) {
    for (const e of result.errors) process.stderr.write(`${e.code} ${e.path}: ${e.message}\n`);
    return 1;
  }
  const text = options.format === 'json' ? `${JSON.stringify(definition, null, 2)}\n` : stringify(definition);
  if (options.out) await writeFile(options.out, text);
  else process.stdout.write(text);
  return 0;
}
