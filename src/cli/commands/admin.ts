import { type Command, Option } from 'commander';
import { roles } from '../../db/schema/api-keys.js';
import { listing, print } from '../output.js';
import { apiAction, deleteCommand, readCommand, type JsonOption } from './client-command.js';

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
  readCommand(keys, 'ls', 'list keys (never the keys themselves)', (client) => client.listKeys(), (l) =>
    listing(l.items, ['ID', 'NAME', 'ROLE', 'PREFIX', 'LAST USED', 'REVOKED'], (k) => [k.id, k.name, k.role, k.prefix ?? '', k.lastUsedAt ?? '', k.revokedAt ?? ''], 'no keys'),
  );
  deleteCommand(keys, 'revoke', 'revoke a key: it gets 401 from the next request on', (client, id) => client.revokeKey(id), (id) => `key ${id} revoked`);
  const plugins = program.command('plugins').description('loaded plugins');
  readCommand(plugins, 'ls', 'list loaded plugins with their node types and hooks', (client) => client.listPlugins(), (l) =>
    listing(l.items, ['NAME', 'VERSION', 'NODE TYPES', 'HOOKS'], (p) => [p.name, p.version, p.nodeTypes.map((t) => t.type).join(', '), p.hooks.join(', ')], 'no plugins loaded'),
  );
}
