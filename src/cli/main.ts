#!/usr/bin/env node
import { Command } from 'commander';
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/client.js';
import { apiCommand } from './commands/api.js';
import { conformanceCommand } from './commands/conformance.js';
import { devCommand } from './commands/dev.js';
import { importCommand } from './commands/import.js';
import { workerCommand } from './commands/worker.js';

const program = new Command('weft').description('Durable DAG workflows of AI-agent steps on Temporal').showHelpAfterError();

program
  .command('dev')
  .description('run everything locally: Temporal dev server, worker, API, embedded storage')
  .action(async () => devCommand(loadConfig()));

program
  .command('api')
  .description('run the API (connects to TEMPORAL_ADDRESS and DATABASE_URL)')
  .action(async () => apiCommand(loadConfig()));

program
  .command('worker')
  .description('run a worker (connects to TEMPORAL_ADDRESS and DATABASE_URL)')
  .action(async () => workerCommand(loadConfig()));

program
  .command('migrate')
  .description('apply database migrations and exit')
  .action(async () => {
    const config = loadConfig();
    const database = await openDatabase({ url: config.DATABASE_URL, dataDir: config.WEFT_DATA_DIR, migrate: true });
    await database.close();
    process.stdout.write(`migrations applied (${database.kind})\n`);
  });

program
  .command('conformance')
  .description('run conformance cases (shared/conformance format) against an API')
  .argument('<dirs...>', 'directories of case files')
  .option('--url <url>', 'API base URL', `http://localhost:${process.env.WEFT_PORT ?? 8080}`)
  .option('--key <key>', 'API key (default: WEFT_API_KEY or WEFT_BOOTSTRAP_ADMIN_KEY)')
  .option('--only <prefixes>', 'comma-separated case file prefixes, e.g. 01,02,16', (v: string) => v.split(',').filter(Boolean))
  .action(async (dirs: string[], opts: { url: string; key?: string; only?: string[] }) => {
    process.exitCode = await conformanceCommand(dirs, opts);
  });

program
  .command('import')
  .description('convert a workflow-designer document (JSON or YAML) into a Weft definition')
  .argument('<file>', 'the designer document')
  .option('--provider <provider>', 'provider for the agent nodes', 'offline')
  .option('--model <model>', 'model for the agent nodes')
  .option('--format <format>', 'yaml or json', 'yaml')
  .option('-o, --out <file>', 'write here instead of stdout')
  .action(async (file: string, opts: { provider: string; model?: string; format: string; out?: string }) => {
    if (opts.format !== 'yaml' && opts.format !== 'json') throw new Error('--format is yaml or json');
    process.exitCode = await importCommand(file, { ...opts, format: opts.format });
  });

program.parseAsync().catch((err: unknown) => {
  process.stderr.write(`weft: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
