/**
 * `npm run bench:topology [-- --repeats 3 --burst 1000 --runs 60 --concurrency 10]`:
 * Weft on the production topology of deploy/local-cluster.sh (the Temporal
 * server 1.29.1 on PostgreSQL, two `weft api`, two `weft worker`). Needs
 * WEFT_TEMPORAL_SERVER and WEFT_TEMPORAL_SQL_TOOL (`deploy/local-cluster.sh build`).
 * Measures, each `--repeats` times:
 *  (a) a burst of `--burst` `POST /runs`, each with its own idempotency key,
 *      50 in flight over both APIs: starts accepted a second; the same burst
 *      again (every key must answer with its first run); then every run must end
 *      once (the runs table), and how many ended a second;
 *  (b) the 10-node diamond of `npm run bench`, `--runs` runs `--concurrency` at a
 *      time through `POST /runs?wait=60s`: runs/s and the p50 of a run, on the
 *      real server and on the CLI dev server (the same Weft processes on the same
 *      PostgreSQL, only Temporal differs), side by side.
 * Writes its section of docs/benchmarks.md: the median and range of the repeats.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { findTemporalCli, startTemporalDevServer } from '../src/runtime/temporal-dev-server.js';
import { realServerBinaries, startLocalCluster } from '../test/support/local-cluster.js';
import { freePort } from '../test/support/ports.js';
import { spawnWeft, stopProcess } from '../test/support/processes.js';
import { percentile, writeSection } from './report.js';
import { shapes } from './shapes.js';

const { values } = parseArgs({
  options: {
    repeats: { type: 'string', default: '3' },
    burst: { type: 'string', default: '1000' },
    runs: { type: 'string', default: '60' },
    concurrency: { type: 'string', default: '10' },
    out: { type: 'string', default: 'docs/benchmarks.md' },
  },
});
const REPEATS = Number(values.repeats);
const BURST = Number(values.burst);
const RUNS = Number(values.runs);
const CONCURRENCY = Number(values.concurrency);
const IN_FLIGHT = 50;
/** The bursts are far over the default per-key rate limit, which is not what is measured. */
const RATE_LIMIT = String(1_000_000);

interface Burst {
  acceptedPerSecond: number;
  replaysAnsweredSame: number;
  stored: number;
  endedPerSecond: number;
}
interface Diamond {
  runsPerSecond: number;
  p50: number;
}
interface Repeat {
  burst: Burst;
  real: Diamond;
  dev: Diamond;
}

/** Calls one of `urls` (round robin by `i`) as the admin; the body parsed. */
async function call(urls: string[], key: string, i: number, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${urls[i % urls.length]}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? null : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

/** Runs `task(i)` for i in [0, count) with `width` at a time. */
async function pool(count: number, width: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < count) await task(next++);
  }));
}

async function measureBurst(urls: string[], key: string, sql: postgres.Sql): Promise<Burst> {
  const tag = randomBytes(4).toString('hex');
  // A workflow name of the burst's own: every run stored under it counts, so a duplicate would show.
  const definition = { apiVersion: 'weft/v1', name: `bench-burst-${tag}`, nodes: [{ id: 'a', type: 'agent', agent: { provider: 'offline', prompt: 'p', mock: { text: 'ok' } } }] };
  const ids: string[] = new Array(BURST);
  const t0 = performance.now();
  await pool(BURST, IN_FLIGHT, async (i) => {
    const res = await call(urls, key, i, 'POST', '/api/v1/runs', { definition, idempotencyKey: `burst-${tag}-${i}` });
    if (res.status !== 202) throw new Error(`POST /runs answered ${res.status}: ${JSON.stringify(res.body)}`);
    ids[i] = res.body.id as string;
  });
  const accepted = (performance.now() - t0) / 1000;
  let same = 0;
  await pool(BURST, IN_FLIGHT, async (i) => {
    const res = await call(urls, key, i + 1, 'POST', '/api/v1/runs', { definition, idempotencyKey: `burst-${tag}-${i}` });
    if (res.body.id === ids[i]) same += 1;
  });
  const deadline = Date.now() + 600_000;
  for (;;) {
    const [row] = await sql<{ ended: number; stored: number }[]>`
      select count(*)::int as stored, count(*) filter (where status = 'succeeded')::int as ended from runs where workflow_name = ${definition.name}`;
    if (row!.ended === BURST || Date.now() > deadline) {
      return { acceptedPerSecond: BURST / accepted, replaysAnsweredSame: same, stored: row!.stored, endedPerSecond: row!.ended / ((performance.now() - t0) / 1000) };
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function measureDiamond(urls: string[], key: string): Promise<Diamond> {
  const definition = shapes().find((s) => s.nodes === 10)!.definition;
  const times: number[] = [];
  const t0 = performance.now();
  await pool(RUNS, CONCURRENCY, async (i) => {
    const started = performance.now();
    const res = await call(urls, key, i, 'POST', '/api/v1/runs?wait=60s', { definition });
    if (res.status !== 200 || res.body.status !== 'succeeded') throw new Error(`diamond run: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
    times.push(performance.now() - started);
  });
  times.sort((a, b) => a - b);
  return { runsPerSecond: RUNS / ((performance.now() - t0) / 1000), p50: percentile(times, 50) };
}

async function main(): Promise<void> {
  const binaries = realServerBinaries();
  if ('missing' in binaries) throw new Error(binaries.missing);
  const cluster = await startLocalCluster({ WEFT_RATE_LIMIT: RATE_LIMIT, WEFT_LOG_LEVEL: 'warn' });
  const admin = postgres(cluster.postgresUrl, { max: 1, onnotice: () => {} });
  const sql = postgres(cluster.databaseUrl, { max: 2, onnotice: () => {} });
  // The dev server's side: the same Weft processes (one API, two workers) on a database of its own on the same PostgreSQL.
  const cli = findTemporalCli(process.env.TEMPORAL_CLI);
  const dev = await startTemporalDevServer({ binary: cli, port: await freePort(), headless: true });
  await admin.unsafe('create database weft_dev');
  const devUrl = cluster.databaseUrl.replace(/\/weft$/, '/weft_dev');
  const apiPort = await freePort();
  const env = { ...process.env, DATABASE_URL: devUrl, TEMPORAL_ADDRESS: dev.address, WEFT_BOOTSTRAP_ADMIN_KEY: cluster.adminKey, WEFT_RATE_LIMIT: RATE_LIMIT, WEFT_LOG_LEVEL: 'info' };
  const processes = [
    await spawnWeft('worker', { ...env, WEFT_METRICS_PORT: String(await freePort()) }, 'Weft worker polling'),
    await spawnWeft('worker', { ...env, WEFT_METRICS_PORT: String(await freePort()) }, 'Weft worker polling'),
    await spawnWeft('api', { ...env, WEFT_PORT: String(apiPort) }, 'Weft API listening'),
  ];
  try {
    const repeats: Repeat[] = [];
    for (let i = 0; i < REPEATS; i++) {
      const repeat = {
        burst: await measureBurst(cluster.apiUrls, cluster.adminKey, sql),
        real: await measureDiamond(cluster.apiUrls, cluster.adminKey),
        dev: await measureDiamond([`http://127.0.0.1:${apiPort}`], cluster.adminKey),
      };
      process.stdout.write(`${JSON.stringify(repeat)}\n`);
      repeats.push(repeat);
    }
    writeSection(values.out!, 'topology', render(repeats, binaries.server, cli));
    process.stdout.write(`written to ${values.out}\n`);
  } finally {
    for (const p of processes.reverse()) await stopProcess(p, 'SIGTERM');
    await dev.stop();
    await sql.end();
    await admin.end();
    await cluster.down();
  }
}

function render(repeats: Repeat[], server: string, cli: string): string {
  const stat = (pick: (r: Repeat) => number, digits = 1) => {
    const xs = repeats.map(pick).sort((a, b) => a - b);
    return `${percentile(xs, 50).toFixed(digits)} (${xs[0]!.toFixed(digits)}–${xs.at(-1)!.toFixed(digits)})`;
  };
  const version = (binary: string) => execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim();
  return `## The production topology

Command: \`WEFT_TEMPORAL_SERVER=… WEFT_TEMPORAL_SQL_TOOL=… npm run bench:topology -- --repeats ${REPEATS} --burst ${BURST} --runs ${RUNS} --concurrency ${CONCURRENCY}\`
Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 1024 ** 3).toFixed(0)} GiB, Node ${process.version}; real server: ${version(server)}, persistence and visibility on PostgreSQL (deploy/local-cluster.sh: two \`weft api\`, two \`weft worker\`); dev server: ${version(cli)} with one \`weft api\` and two \`weft worker\` on the same PostgreSQL. Everything, the load generator included, on this one machine.
Date: ${new Date().toISOString().slice(0, 10)}. Each figure: the median of ${REPEATS} repeats, with their range.

| what | figure |
| --- | --- |
| (a) burst of ${BURST.toLocaleString('en')} \`POST /runs\` with idempotency keys, ${IN_FLIGHT} in flight over both APIs: starts accepted | ${stat((r) => r.burst.acceptedPerSecond)} runs/s |
| (a) the same ${BURST.toLocaleString('en')} keys again: answered with the first run's id | ${stat((r) => r.burst.replaysAnsweredSame, 0)} of ${BURST} |
| (a) runs stored under the burst's workflow, all ended succeeded (none lost, none twice) | ${stat((r) => r.burst.stored, 0)} of ${BURST} |
| (a) burst to last run ended | ${stat((r) => r.burst.endedPerSecond)} runs/s |
| (b) 10-node diamond, ${RUNS} runs ${CONCURRENCY} at a time, real server 1.29.1 on PostgreSQL | ${stat((r) => r.real.runsPerSecond, 2)} runs/s, p50 ${stat((r) => r.real.p50, 0)} ms |
| (b) the same on the CLI dev server (SQLite in memory) | ${stat((r) => r.dev.runsPerSecond, 2)} runs/s, p50 ${stat((r) => r.dev.p50, 0)} ms |

- (b) is timed from the client: \`POST /runs?wait=60s\` until it answers with the ended run.
- \`GET /runs\` at 500 requests/s over 10,000 stored runs and 200 concurrent event-stream clients on this topology: \`npm run bench:topology-api\` (below).
`;
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
