/**
 * `npm run bench:scale [-- --repeats 3 --nodes 10000]`: the endpoints that read
 * a whole big run or definition, on `--nodes` nodes, against `weft api` as a
 * process of its own (Temporal dev server, throwaway PostgreSQL):
 *  (a) `POST /workflows/validate` of `--nodes` agent nodes in a chain, each
 *      reading the first node (an indirect ancestor: the shape that was quadratic);
 *  (b) `GET /runs/{id}/critical-path` of a stored run of that workflow, the first
 *      ask (computed from the run's records and stored, as for a run that ended
 *      before paths were stored) and the next ones (read back);
 *  (c) `GET /analytics/workflows/{name}` over that run.
 * The run is stored as a finished run stores itself (its row and one record a
 * node in `run_nodes`), without running 10,000 activities first. Writes its
 * section of docs/benchmarks.md: median and range of the repeats.
 */
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { NodeRecord } from '../src/dag/run-state.js';
import { openDatabase } from '../src/db/client.js';
import { RunNodesRepo } from '../src/db/run-nodes-repo.js';
import { runs as runsTable } from '../src/db/schema/runs.js';
import { findTemporalCli, startTemporalDevServer } from '../src/runtime/temporal-dev-server.js';
import { startThrowawayPostgres } from '../test/support/postgres-cluster.js';
import { freePort } from '../test/support/ports.js';
import { spawnWeft, stopProcess } from '../test/support/processes.js';
import { percentile, writeSection } from './report.js';

const { values } = parseArgs({
  options: {
    repeats: { type: 'string', default: '3' },
    nodes: { type: 'string', default: '10000' },
    out: { type: 'string', default: 'docs/benchmarks.md' },
  },
});
const REPEATS = Number(values.repeats);
const NODES = Number(values.nodes);
const KEY = `bench-admin-${randomBytes(12).toString('hex')}`;
const NAME = 'bench-scale';

/** A chain of offline agent nodes, each after the one before and reading the first. */
function chain(): Record<string, unknown> {
  const nodes = Array.from({ length: NODES }, (_, i) => ({
    id: `n${i}`,
    type: 'agent',
    ...(i === 0 ? {} : { needs: [`n${i - 1}`] }),
    agent: { provider: 'offline', prompt: i === 0 ? 'start' : '{{ nodes.n0.output.text }}', mock: { text: String(i) } },
  }));
  return { apiVersion: 'weft/v1', name: NAME, nodes };
}

/** One record a node, 10 ms each, one after another from `start`. */
function records(start: number): Record<string, NodeRecord> {
  const out: Record<string, NodeRecord> = {};
  for (let i = 0; i < NODES; i++) {
    out[`n${i}`] = {
      status: 'succeeded',
      attempts: 1,
      startedAt: new Date(start + i * 10 + 1).toISOString(),
      endedAt: new Date(start + i * 10 + 10).toISOString(),
      output: { text: String(i) },
      error: null,
      costUsd: 0,
      degraded: false,
      fallback: null,
      skippedReason: null,
    };
  }
  return out;
}

async function timed(url: string, method: string, path: string, body?: unknown): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(`${url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${KEY}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  await res.arrayBuffer();
  const ms = performance.now() - t0;
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status}`);
  return ms;
}

interface Repeat {
  validate: number;
  criticalFirst: number;
  criticalStored: number;
  workflow: number;
}

async function main(): Promise<void> {
  const binary = findTemporalCli(process.env.TEMPORAL_CLI);
  const [server, postgres] = await Promise.all([freePort().then((port) => startTemporalDevServer({ binary, port, headless: true })), startThrowawayPostgres()]);
  const scratch = mkdtempSync(join(tmpdir(), 'weft-bench-scale-'));
  const port = await freePort();
  const env = { ...process.env, DATABASE_URL: postgres.url, TEMPORAL_ADDRESS: server.address, WEFT_PORT: String(port), WEFT_BOOTSTRAP_ADMIN_KEY: KEY, WEFT_LOG_LEVEL: 'info', WEFT_DATA_DIR: scratch, WEFT_METRICS_PORT: String(await freePort()), WEFT_MAX_BODY_BYTES: String(64 * 1024 * 1024) };
  const database = await openDatabase({ url: postgres.url, dataDir: scratch, migrate: true });
  const api = await spawnWeft('api', env, 'Weft API listening');
  try {
    const url = `http://127.0.0.1:${port}`;
    const definition = chain();
    await timed(url, 'POST', '/workflows', definition);
    const repeats: Repeat[] = [];
    for (let r = 0; r < REPEATS; r++) {
      const id = `run_scale${r}${randomBytes(4).toString('hex')}`;
      const start = Date.now() - NODES * 10 - 1_000;
      await database.db.insert(runsTable).values({ id, workflowName: NAME, workflowVersion: 1, status: 'succeeded', input: {}, priority: 3, startedAt: new Date(start), endedAt: new Date(start + NODES * 10 + 5) });
      await new RunNodesRepo(database.db).save(id, records(start));
      const repeat: Repeat = {
        validate: await timed(url, 'POST', '/workflows/validate', definition),
        criticalFirst: await timed(url, 'GET', `/runs/${id}/critical-path`),
        criticalStored: percentile([await timed(url, 'GET', `/runs/${id}/critical-path`), await timed(url, 'GET', `/runs/${id}/critical-path`), await timed(url, 'GET', `/runs/${id}/critical-path`)].sort((a, b) => a - b), 50),
        workflow: await timed(url, 'GET', `/analytics/workflows/${NAME}`),
      };
      process.stdout.write(`${JSON.stringify(repeat)}\n`);
      repeats.push(repeat);
    }
    writeSection(values.out!, 'scale-endpoints', render(repeats, binary));
    process.stdout.write(`written to ${values.out}\n`);
  } finally {
    await stopProcess(api, 'SIGTERM');
    await database.close();
    await server.stop();
    postgres.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

function render(repeats: Repeat[], binary: string): string {
  const stat = (pick: (r: Repeat) => number) => {
    const xs = repeats.map(pick).sort((a, b) => a - b);
    return `${percentile(xs, 50).toFixed(0)} (${xs[0]!.toFixed(0)}–${xs.at(-1)!.toFixed(0)}) ms`;
  };
  const temporal = execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim();
  const n = NODES.toLocaleString('en');
  return `## Endpoints over one ${n}-node run

Command: \`npm run bench:scale -- --repeats ${REPEATS} --nodes ${NODES}\`
Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 1024 ** 3).toFixed(0)} GiB, Node ${process.version}, ${temporal}, PostgreSQL (throwaway cluster); \`weft api\` as a process of its own.
Date: ${new Date().toISOString().slice(0, 10)}. Each figure: the median of ${REPEATS} repeats (a new stored run each), with their range; times from the client, one request at a time.

| what | time | target |
| --- | ---: | --- |
| (a) \`POST /workflows/validate\`, ${n} agent nodes in a chain, each reading the first | ${stat((r) => r.validate)} | < 2 s |
| (b) \`GET /runs/{id}/critical-path\`, first ask (computed from ${n} records and stored) | ${stat((r) => r.criticalFirst)} | < 1 s |
| (b) \`GET /runs/{id}/critical-path\`, stored (median of 3 asks) | ${stat((r) => r.criticalStored)} | < 1 s |
| (c) \`GET /analytics/workflows/{name}\` over the workflow's runs (1 to ${REPEATS} runs of ${n} nodes) | ${stat((r) => r.workflow)} | < 2 s |

- A run computes its critical path when it ends and stores it with the paths of the runs ending within 250 ms (\`run_critical_paths\`); (b)'s first ask is the path of a run stored without one, the dearer case. Before, both (b) and (c) walked the run's graph in recursive SQL over CTEs without indexes: ~20 s each at 10,000 nodes.
- (a) was quadratic in the chain's length when nodes read a node further up than their needs: ancestor sets walked per question (no answer in 30 s at 10,000 nodes). The run is stored as a finished run stores itself (its row and ${n} node records), not run through ${n} activities.
`;
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
