import type { Command } from 'commander';
import { stringify } from 'yaml';
import type { ApiClient } from '../api-client.js';
import { locate, readDefinitionFile, validateFile } from '../definition-file.js';
import { listing, print } from '../output.js';
import { apiAction, readCommand, type JsonOption } from './client-command.js';

async function push(client: ApiClient, path: string, options: JsonOption): Promise<void> {
  const file = readDefinitionFile(path);
  await validateFile(client, file);
  const saved = await client.pushWorkflow(file.text, file.type).catch((err: unknown) => {
    throw locate(err, file);
  });
  print(saved, options.json, (s) => `${s.name} v${s.version} (${s.hash.slice(0, 12)})`);
}

async function show(client: ApiClient, name: string, options: JsonOption): Promise<void> {
  const workflow = await client.getWorkflow(name);
  print(workflow, options.json, (w) => {
    const versions = w.versions.map((v) => `v${v.version} ${v.createdAt}`).join(', ');
    // The text as it was pushed, comments included; a definition posted as JSON has none.
    return `# ${w.name} v${w.version} (versions: ${versions})\n${w.source ?? stringify(w.definition)}`.trimEnd();
  });
}

/** Registers `weft workflows ls|push|show`. */
export function registerWorkflows(program: Command): void {
  const workflows = program.command('workflows').description('list, store and read workflow definitions');
  readCommand(workflows, 'ls', 'list stored workflows', (client) => client.listWorkflows(), (l) =>
    listing(l.items, ['NAME', 'LATEST', 'UPDATED', 'DESCRIPTION'], (w) => [w.name, `v${w.latestVersion}`, w.updatedAt, w.description ?? ''], 'no workflows'),
  );
  workflows.command('push').description('validate and store a definition file (a new version when it changed)').argument('<file>').option('--json', 'machine output').action(apiAction(push));
  workflows.command('show').description("a workflow's latest definition and its versions").argument('<name>').option('--json', 'machine output').action(apiAction(show));
}
