import { execFileSync } from 'node:child_process';
import { findTemporalCli, startTemporalDevServer } from '../src/runtime/temporal-dev-server.js';
import { startLocalCluster } from '../test/support/local-cluster.js';
import { startThrowawayPostgres } from '../test/support/postgres-cluster.js';
import { freePort } from '../test/support/ports.js';

/** The Temporal server and the database a benchmark runs against. */
export interface Backend {
  temporalAddress: string;
  databaseUrl: string;
  /** The Temporal server's process, for its CPU. */
  serverPid: number;
  /** Which server, for the report. */
  describe: string;
  stop(): Promise<void>;
}

/**
 * `dev`: the CLI's dev server as `weft dev` starts it (SQLite in memory) and a
 * throwaway PostgreSQL. `production`: deploy/local-cluster.sh's Temporal server
 * on PostgreSQL (WEFT_TEMPORAL_SERVER, WEFT_TEMPORAL_SQL_TOOL), with its APIs and
 * workers stopped so that only the benchmark's workers poll and spend CPU.
 */
export async function startBackend(kind: 'dev' | 'production'): Promise<Backend> {
  if (kind === 'production') {
    const cluster = await startLocalCluster();
    for (const component of ['api-1', 'api-2', 'worker-1', 'worker-2'] as const) await cluster.control('stop', component);
    const version = execFileSync(process.env.WEFT_TEMPORAL_SERVER!, ['--version'], { encoding: 'utf8' }).trim();
    return {
      temporalAddress: cluster.temporalAddress,
      databaseUrl: cluster.databaseUrl,
      serverPid: cluster.pid('temporal'),
      describe: `Temporal server (${version}) on PostgreSQL, as deploy/local-cluster.sh starts it`,
      stop: () => cluster.down(),
    };
  }
  const binary = findTemporalCli(process.env.TEMPORAL_CLI);
  const [server, postgres] = await Promise.all([freePort().then((port) => startTemporalDevServer({ binary, port, headless: true })), startThrowawayPostgres()]);
  return {
    temporalAddress: server.address,
    databaseUrl: postgres.url,
    serverPid: server.process.pid!,
    describe: `${execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim()} (the dev server as \`weft dev\` starts it, SQLite in memory)`,
    stop: async () => {
      await server.stop();
      postgres.stop();
    },
  };
}
