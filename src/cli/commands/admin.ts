import { type Command, Option } from 'commander';
import { roles } from '../../db/schema/api-keys.js';
import { listing, print } from '../output.js';
import { apiAction, type JsonOption } from './client-command.js';

/** Registers `weft keys create|ls|revoke` (contract weft-ops §3) and `weft plugins ls`. */
export function registerAdmin(program: Command): void {
  const keys = program.command('keys').description('API keys (admin)');
  keys
    .command('create')
    .description('create a key; it is shown this once')
    .requiredOption('--name <name>', 'who or what uses it')
    .addOption(new Option('--role <role>', 'what it may do').choices(roles).makeOptionMandatory())
    .option('--expires-at <iso>', 'when it stops working (ISO 8601)')
    .option('--json', 'machine output')
    .action(
      apiAction(async (client, options: JsonOption & { name: string; role: string; expiresAt?: string }) => {
        const created = await client.createKey({ name: options.name, role: options.role, ...(options.expiresAt ? { expiresAt: options.expiresAt } : {}) });
        print(created, options.json, (k) => `${k.key}\n(key ${k.id}, ${k.role}; shown this once: store it now)`);
      }),
    );
  keys
    .command('ls')
    .description('list keys (never the keys themselves)')
    .option('--json', 'machine output')
    .action(
      apiAction(async (client, options: JsonOption) =>
        print(await client.listKeys(), options.json, (l) =>
          listing(l.items, ['ID', 'NAME', 'ROLE', 'PREFIX', 'LAST USED', 'REVOKED'], (k) => [k.id, k.name, k.role, k.prefix ?? '', k.lastUsedAt ?? '', k.revokedAt ?? ''], 'no keys'),
        ),
      ),
    );
  keys
    .command('revoke')
    .description('revoke a key: it gets 401 from the next request on')
    .argument('<id>')
    .action(apiAction(async (client, id: string) => {
      await client.revokeKey(id);
      process.stdout.write(`key ${id} revoked\n`);
    }));
  program
    .command('plugins')
    .description('loaded plugins')
    .command('ls')
    .description('list loaded plugins with their node types and hooks')
    .option('--json', 'machine output')
    .action(
      apiAction(async (client, options: JsonOption) =>
        print(await client.listPlugins(), options.json, (l) =>
          listing(l.items, ['NAME', 'VERSION', 'NODE TYPES', 'HOOKS'], (p) => [p.name, p.version, p.nodeTypes.map((t) => t.type).join(', '), p.hooks.join(', ')], 'no plugins loaded'),
        ),
      ),
    );
}
