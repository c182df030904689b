import { execFile } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePortRange } from './ports.js';
import { ROOT } from './processes.js';

const run = promisify(execFile);
const SCRIPT = join(ROOT, 'deploy', 'local-cluster.sh');

/** The components deploy/local-cluster.sh starts, each one process. */
export type Component = 'postgres' | 'temporal' | 'api-1' | 'api-2' | 'worker-1' | 'worker-2';

/** The production topology of deploy/local-cluster.sh, started for a test file in a directory of its own. */
export interface LocalCluster {
  /** The weft database. */
  databaseUrl: string;
  /** The cluster's PostgreSQL server, for creating other databases. */
  postgresUrl: string;
  temporalAddress: string;
  /** api-1's and api-2's base URLs. */
  apiUrls: [string, string];
  adminKey: string;
  /** Calls api-1 (`via` 0) or api-2 (1) as the admin; the body parsed as JSON. */
  api(via: 0 | 1, method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  /** Runs the script's `start`, `stop` or `kill` on one component. */
  control(action: 'start' | 'stop' | 'kill', component: Component): Promise<void>;
  /** The component's PID as the script recorded it. */
  pid(component: Component): number;
  /** The tail of a log in the cluster's logs directory (a component's, or `schema`, `migrate`, `temporal-setup`), for failure messages. */
  logTail(name: Component | 'schema' | 'migrate' | 'temporal-setup'): string;
  down(): Promise<void>;
}

/** The production Temporal server binaries the resilience suite needs, or why they are not there. */
export function realServerBinaries(env: NodeJS.ProcessEnv = process.env): { server: string; sqlTool: string } | { missing: string } {
  const server = env.WEFT_TEMPORAL_SERVER;
  const sqlTool = env.WEFT_TEMPORAL_SQL_TOOL;
  if (!server || !sqlTool) {
    return { missing: 'WEFT_TEMPORAL_SERVER and WEFT_TEMPORAL_SQL_TOOL are not set (build them with `deploy/local-cluster.sh build`; see docs/reliability.md)' };
  }
  for (const [name, file] of [['WEFT_TEMPORAL_SERVER', server], ['WEFT_TEMPORAL_SQL_TOOL', sqlTool]] as const) {
    try {
      accessSync(file, constants.X_OK);
    } catch {
      return { missing: `${name}=${file} is not an executable file` };
    }
  }
  return { server, sqlTool };
}

/**
 * Whether the resilience suite can run here: the reason it cannot, or null.
 * In CI a missing server is a failure, not a skip.
 * @throws Error in CI when the binaries are missing.
 */
export function resilienceSkipReason(): string | null {
  const found = realServerBinaries();
  if (!('missing' in found)) return null;
  if (process.env.CI === 'true') throw new Error(`the resilience suite must run in CI: ${found.missing}`);
  return found.missing;
}

/** Says on stderr why a resilience file does not run (a skipped file is otherwise silent). */
export function announceSkip(file: string, reason: string | null): void {
  if (reason) console.warn(`${file}: not run: ${reason}`);
}

/** Brings the whole topology up with `deploy/local-cluster.sh up` on free ports, in a temp directory. */
export async function startLocalCluster(extraEnv: Record<string, string> = {}): Promise<LocalCluster> {
  const binaries = realServerBinaries();
  if ('missing' in binaries) throw new Error(binaries.missing);
  const dir = mkdtempSync(join(tmpdir(), 'weft-cluster-'));
  const [pg, temporal, api, metrics] = [await freePortRange(1), await freePortRange(10), await freePortRange(2), await freePortRange(2)];
  const adminKey = 'resilience-admin-key-0123456789';
  const env = {
    ...process.env,
    WEFT_CLUSTER_DIR: dir,
    WEFT_CLUSTER_PG_PORT: String(pg),
    WEFT_CLUSTER_TEMPORAL_PORT: String(temporal),
    WEFT_CLUSTER_API_PORT: String(api),
    WEFT_CLUSTER_METRICS_PORT: String(metrics),
    WEFT_TEMPORAL_SERVER: binaries.server,
    WEFT_TEMPORAL_SQL_TOOL: binaries.sqlTool,
    WEFT_BOOTSTRAP_ADMIN_KEY: adminKey,
    ...extraEnv,
  };
  const script = async (...args: string[]) => {
    try {
      await run('bash', [SCRIPT, ...args], { env, cwd: ROOT });
    } catch (err) {
      throw new Error(`deploy/local-cluster.sh ${args.join(' ')} failed: ${(err as { stderr?: string }).stderr ?? String(err)}`);
    }
  };
  const logTail: LocalCluster['logTail'] = (name) => {
    const file = name === 'postgres' ? join(dir, 'postgres', 'log') : join(dir, 'logs', `${name}.log`);
    try {
      return readFileSync(file, 'utf8').slice(-3_000);
    } catch {
      return '(no log)';
    }
  };
  try {
    await script('up');
  } catch (err) {
    const logs = (['temporal', 'temporal-setup', 'schema', 'migrate', 'worker-1', 'api-1'] as const).map((n) => `--- ${n}\n${logTail(n)}`).join('\n');
    await script('down').catch(() => {});
    throw new Error(`${(err as Error).message}\n${logs}`);
  }
  return {
    databaseUrl: `postgres://postgres@127.0.0.1:${pg}/weft`,
    postgresUrl: `postgres://postgres@127.0.0.1:${pg}/postgres`,
    temporalAddress: `127.0.0.1:${temporal}`,
    apiUrls: [`http://127.0.0.1:${api}`, `http://127.0.0.1:${api + 1}`],
    adminKey,
    api: async (via, method, path, body, headers = {}) => {
      const response = await fetch(`http://127.0.0.1:${api + via}${path}`, {
        method,
        headers: { authorization: `Bearer ${adminKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        body: body === undefined ? null : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : null };
    },
    control: (action, component) => script(action, component),
    pid: (component) => Number(readFileSync(component === 'postgres' ? join(dir, 'postgres', 'data', 'postmaster.pid') : join(dir, 'pids', `${component}.pid`), 'utf8').split('\n')[0]),
    logTail,
    down: async () => {
      await script('down');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
