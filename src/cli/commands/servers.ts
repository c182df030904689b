import type { Command } from 'commander';
import { usageError } from '../cli-error.js';

/**
 * Registers the commands that run Weft itself: `dev`, `api`, `worker`,
 * `migrate`, `temporal-setup`, `conformance`, `import`. Their modules load Temporal, the database
 * and the worker, so they are imported only when one of them runs: the client
 * commands start fast.
 */
export function registerServers(program: Command): void {
  const config = async () => (await import('../../config.js')).loadConfig();
  program
    .command('dev')
    .description('run everything locally: Temporal dev server, worker, API, embedded storage')
    .action(async () => (await import('./dev.js')).devCommand(await config()));

  program
    .command('api')
    .description('run the API (connects to TEMPORAL_ADDRESS and DATABASE_URL)')
    .action(async () => (await import('./api.js')).apiCommand(await config()));

  program
    .command('worker')
    .description('run a worker (connects to TEMPORAL_ADDRESS and DATABASE_URL)')
    .action(async () => (await import('./worker.js')).workerCommand(await config()));

  program
    .command('migrate')
    .description('apply database migrations and exit')
    .action(async () => {
      const settings = await config();
      const { openDatabase } = await import('../../db/client.js');
      const database = await openDatabase({ url: settings.DATABASE_URL, dataDir: settings.WEFT_DATA_DIR, migrate: true });
      await database.close();
      process.stdout.write(`migrations applied (${database.kind})\n`);
    });

  program
    .command('temporal-setup')
    .description('wait for TEMPORAL_ADDRESS, register TEMPORAL_NAMESPACE if missing and Weft\'s search attributes, and exit')
    .option('--timeout <seconds>', 'how long to wait for the server', '120')
    .action(async (opts: { timeout: string }) => {
      const settings = await config();
      const seconds = Number(opts.timeout);
      if (!Number.isFinite(seconds) || seconds <= 0) throw usageError('--timeout is a positive number of seconds');
      const { prepareTemporal } = await import('../../runtime/temporal-setup.js');
      const done = await prepareTemporal(settings.TEMPORAL_ADDRESS, settings.TEMPORAL_NAMESPACE, seconds * 1_000);
      process.stdout.write(`temporal ready: namespace ${settings.TEMPORAL_NAMESPACE}${done.registeredNamespace ? ' registered' : ''}, search attributes registered\n`);
    });

  program
    .command('conformance')
    .description('run conformance cases (shared/conformance format) against an API')
    .argument('<dirs...>', 'directories of case files')
    .option('--url <url>', 'API base URL', `http://localhost:${process.env.WEFT_PORT ?? 8080}`)
    .option('--key <key>', 'API key (default: WEFT_API_KEY or WEFT_BOOTSTRAP_ADMIN_KEY)')
    .option('--only <prefixes>', 'comma-separated case file prefixes, e.g. 01,02,16', (v: string) => v.split(',').filter(Boolean))
    .action(async (dirs: string[], opts: { url: string; key?: string; only?: string[] }) => {
      process.exitCode = await (await import('./conformance.js')).conformanceCommand(dirs, opts);
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
      if (opts.format !== 'yaml' && opts.format !== 'json') throw usageError('--format is yaml or json');
      process.exitCode = await (await import('./import.js')).importCommand(file, { ...opts, format: opts.format });
    });
}
