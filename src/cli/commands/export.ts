import { Readable } from 'node:stream';
import type { ReadableStream } from 'node:stream/web';
import { pipeline } from 'node:stream/promises';
import { type Command, Option } from 'commander';
import { exportDatasets } from '../../db/export-repo.js';
import { apiAction } from './client-command.js';

/** Registers `weft export <what> [--format] [--since] [--until] [--workflow] [--status] > file` (contract weft-ops §14). */
export function registerExport(program: Command): void {
  program
    .command('export')
    .description('stream runs, node executions, costs or the audit log as CSV or NDJSON to stdout')
    .addArgument(program.createArgument('<what>', 'what to export').choices(exportDatasets))
    .addOption(new Option('--format <format>', 'output format').choices(['csv', 'ndjson']).default('csv'))
    .option('--since <iso>', 'from this time')
    .option('--until <iso>', 'up to this time')
    .option('--workflow <name>', 'one workflow')
    .option('--status <status>', 'one status (audit: outcome)')
    .action(
      apiAction(async (client, what: string, options: { format: string; since?: string; until?: string; workflow?: string; status?: string }) => {
        const res = await client.download(`/export/${what}`, options);
        await pipeline(Readable.fromWeb(res.body! as ReadableStream), process.stdout);
      }),
    );
}
