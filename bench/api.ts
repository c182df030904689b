/**
 * `npm run bench:api [-- --repeats 3 --stored 10000 --rate 500 --duration 60 --chain 100 --chains 5 --profile dir]`:
 * the operations API under load, on the production topology in miniature: a
 * Temporal dev server, a throwaway PostgreSQL, and `weft worker` and `weft api`
 * as processes of their own. Measures, each `--repeats` times:
 *  (a) how long a node's state change takes to reach a connected event-stream
 *      client (p50/p95 over every change of `--chains` runs of `--chain` nodes);
 *  (b) `GET /runs?limit=50` with `--stored` runs stored, at `--rate` requests/s
 *      for `--duration` s with autocannon (p50/p95/p99, errors);
 *  (c) `GET /analytics/summary` over the same stored runs, one request at a time.
 * Writes its section of docs/benchmarks.md: the median and range of the repeats.
 */
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { openDatabase } from '../src/db/client.js';
import { findTemporalCli, startTemporalDevServer } from '../src/runtime/temporal-dev-server.js';
import { startThrowawayPostgres } from '../test/support/postgres-cluster.js';
import { freePort } from '../test/support/ports.js';
import { spawnWeft, stopProcess } from '../test/support/processes.js';
import { readEvents } from '../test/support/sse.js';
import { cpuDuring } from './cpu.js';
import { autocannonP95, percentile, writeSection } from './report.js';
import { storeEndedRuns } from './stored-runs.js';

const { values } = parseArgs({
  options: {
    repeats: { type: 'string', default: '3' },
    stored: { type: 'string', default: '10000' },
    rate: { type: 'string', default: '500' },
    duration: { type: 'string', default: '60' },
    chain: { type: 'string', default: '100' },
    chains: { type: 'string', default: '5' },
    out: { type: 'string', default: 'docs/benchmarks.md' },
    /** A directory for a CPU profile of the API process (written when it stops). */
    profile: { type: 'string' },
  },
});
const REPEATS = Number(values.repeats);
const STORED = Number(values.stored);
const RATE = Number(values.rate);
const DURATION = Number(values.duration);
const CHAIN = Number(values.chain);
const CHAINS = Number(values.chains);
const KEY = `bench-admin-${randomBytes(12).toString('hex')}`;

interface Repeat {
  sse: { p50: number; p95: number; changes: number };
  /** `cpuMs`: CPU ms a request of the API process and of the load generator (this process: autocannon, the event-stream client) while (b) ran. */
  list: { p50: number; p95: number; p99: number; rps: number; errors: number; requests: number; load: number; cpuMs: { api: number; loadGenerator: number } };
  summary: { p50: number; p95: number; requests: number } | null;
}

async function main(): Promise<void> {
  const binary = findTemporalCli(process.env.TEMPORAL_CLI);
  const [server, postgres] = await Promise.all([freePort().then((port) => startTemporalDevServer({ binary, port, headless: true })), startThrowawayPostgres()]);
  const scratch = mkdtempSync(join(tmpdir(), 'weft-bench-api-'));
  const port = await freePort();
  const env = { ...process.env, DATABASE_URL: postgres.url, TEMPORAL_ADDRESS: server.address, WEFT_PORT: String(port), WEFT_BOOTSTRAP_ADMIN_KEY: KEY, WEFT_LOG_LEVEL: 'warn', WEFT_DATA_DIR: scratch, WEFT_METRICS_PORT: String(await freePort()) };
  const database = await openDatabase({ url: postgres.url, dataDir: scratch, migrate: true });
  const processes = [];
  try {
    await storeEndedRuns(database.db, STORED);
    processes.push(await spawnWeft('worker', { ...env, WEFT_LOG_LEVEL: 'info' }, 'Weft worker polling'));
    // Load from one address: the per-key limit is raised so that the limiter is not what is measured.
    const profile = values.profile ? ['--cpu-prof', `--cpu-prof-dir=${values.profile}`] : [];
    const api = await spawnWeft('api', { ...env, WEFT_LOG_LEVEL: 'info', WEFT_RATE_LIMIT: String(RATE * DURATION * 2) }, 'Weft API listening', profile);
    processes.push(api);
    const url = `http://127.0.0.1:${port}`;
    const repeats: Repeat[] = [];
    for (let i = 0; i < REPEATS; i++) {
      const repeat = { sse: await measureEvents(url), list: await measureList(url, api.pid!), summary: await measureSummary(url) };
      process.stdout.write(`${JSON.stringify(repeat)}\n`);
      repeats.push(repeat);
    }
    writeSection(values.out!, 'api', render(repeats, binary));
    process.stdout.write(`written to ${values.out}\n`);
  } finally {
    for (const p of processes.reverse()) await stopProcess(p, 'SIGTERM');
    await database.close();
    await server.stop();
    postgres.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * (a) Runs of a chain of agent nodes (offline provider: an activity each, so
 * each change comes from a workflow task of its own), each streamed from before
 * it starts: change time → client time.
 */
async function measureEvents(url: string): Promise<Repeat['sse']> {
  const latencies: number[] = [];
  for (let c = 0; c < CHAINS; c++) {
    // A short sleep first, so the client is connected before the first node changes.
    const nodes = [
      { id: 'wait', type: 'sleep', duration: '1s' },
      ...Array.from({ length: CHAIN }, (_, i) => ({ id: `n${i}`, type: 'agent', needs: [i === 0 ? 'wait' : `n${i - 1}`], agent: { provider: 'offline', prompt: `step ${i}`, mock: { text: `${i}` } } })),
    ];
    const res = await fetch(`${url}/api/v1/runs`, { method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ definition: { apiVersion: 'weft/v1', name: 'bench-events', nodes } }) });
    const { id } = (await res.json()) as { id: string };
    let connectedAt = Number.POSITIVE_INFINITY;
    await readEvents(
      `${url}/api/v1/runs/${id}/events`,
      KEY,
      (e) => {
        if (e.event !== 'node' || !e.data.nodeId.startsWith('n')) return;
        const changedAt = Date.parse(e.data.status === 'running' ? e.data.startedAt : e.data.endedAt);
        if (changedAt >= connectedAt) latencies.push(Date.now() - changedAt);
      },
      undefined,
      () => (connectedAt = Date.now()),
    );
  }
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 50), p95: percentile(latencies, 95), changes: latencies.length };
}

/** (b) The runs list at a fixed rate. */
async function measureList(url: string, apiPid: number): Promise<Repeat['list']> {
  const { result, cpu } = await cpuDuring({ api: apiPid, loadGenerator: process.pid }, () =>
    autocannon({ url: `${url}/api/v1/runs?limit=50`, headers: { authorization: `Bearer ${KEY}` }, connections: 50, overallRate: RATE, duration: DURATION }),
  );
  return {
    p50: result.latency.p50,
    p95: autocannonP95(result.latency),
    p99: result.latency.p99,
    rps: result.requests.average,
    errors: result.errors + result.timeouts + result.non2xx,
    requests: result.requests.total,
    // The machine's 1-minute load average as the load ends: other work on the same cores shows here.
    load: loadavg()[0]!,
    cpuMs: { api: cpu.api! / result.requests.total, loadGenerator: cpu.loadGenerator! / result.requests.total },
  };
}

/** (c) The analytics summary, one request at a time (null while the API has no such endpoint). */
async function measureSummary(url: string): Promise<Repeat['summary']> {
  const ask = async () => {
    const t0 = performance.now();
    const res = await fetch(`${url}/api/v1/analytics/summary`, { headers: { authorization: `Bearer ${KEY}` } });
    await res.arrayBuffer();
    return { ms: performance.now() - t0, status: res.status };
  };
  if ((await ask()).status === 404) return null;
  const times: number[] = [];
  for (let i = 0; i < 200; i++) times.push((await ask()).ms);
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95), requests: times.length };
}

function render(repeats: Repeat[], binary: string): string {
  const stat = (pick: (r: Repeat) => number | undefined, digits = 1) => {
    const xs = repeats.map(pick).filter((x): x is number => x !== undefined && Number.isFinite(x)).sort((a, b) => a - b);
    if (xs.length === 0) return 'n/a';
    return `${percentile(xs, 50).toFixed(digits)} (${xs[0]!.toFixed(digits)}–${xs.at(-1)!.toFixed(digits)})`;
  };
  const temporal = execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim();
  const summary = repeats.every((r) => r.summary === null)
    ? '(c) `GET /analytics/summary`: not measured, the API has no such endpoint in this build.'
    : `| (c) \`GET /analytics/summary\` over ${STORED.toLocaleString('en')} runs, 200 requests one at a time | ${stat((r) => r.summary?.p50)} ms | ${stat((r) => r.summary?.p95)} ms | | | target p95 < 200 ms |`;
  return `## The operations API

Command: \`npm run bench:api -- --repeats ${REPEATS} --stored ${STORED} --rate ${RATE} --duration ${DURATION} --chain ${CHAIN} --chains ${CHAINS}\`
Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 1024 ** 3).toFixed(0)} GiB, Node ${process.version}, ${temporal}, PostgreSQL (throwaway cluster); \`weft api\` and \`weft worker\` as processes of their own, the load generator in a third.
Date: ${new Date().toISOString().slice(0, 10)}. Each figure: the median of ${REPEATS} repeats, with their range.

| what | p50 | p95 | p99 | other | target |
| --- | ---: | ---: | ---: | --- | --- |
| (a) a node's state change to a connected event-stream client, ${CHAINS} runs × a chain of ${CHAIN} offline agent nodes (${stat((r) => r.sse.changes, 0)} changes a repeat) | ${stat((r) => r.sse.p50)} ms | ${stat((r) => r.sse.p95)} ms | | | p95 < 100 ms |
| (b) \`GET /runs?limit=50\`, ${STORED.toLocaleString('en')} runs stored, ${RATE} req/s for ${DURATION} s | ${stat((r) => r.list.p50)} ms | ${stat((r) => r.list.p95)} ms | ${stat((r) => r.list.p99)} ms | ${stat((r) => r.list.rps, 0)} req/s served, ${stat((r) => r.list.errors, 0)} errors; CPU a request: API ${stat((r) => r.list.cpuMs.api, 2)} ms, load generator ${stat((r) => r.list.cpuMs.loadGenerator, 2)} ms; load average ${stat((r) => r.list.load)} | p95 < 50 ms, 0 errors |
${summary}

- (a) is measured from the change's own time in the workflow (a node record's \`startedAt\` or \`endedAt\`: the clock of the workflow task that made the change, which is the task's start) to the event's arrival at a client in another process; it includes the rest of that workflow task, the worker's sink write, PostgreSQL's \`NOTIFY\` and the API's read. Only changes after the client connected count. Agent nodes make one change per workflow task; in-workflow nodes (a chain of transforms) change many in one task, all stamped with its start.
- (b)'s p95 is interpolated between autocannon's p90 and p97.5.${
    repeats.some((r) => r.list.rps < RATE * 0.95)
      ? `\n- (b): the API served fewer requests a second than were sent: on this machine the load generator, the API, PostgreSQL, Temporal and the worker share ${cpus().length} cores (and any other work running: the load average column), so the latencies include queueing.`
      : ''
  }
- (b)'s request path: an API process trusts a key it found active for 5 s (one database read per key and window, not per request); the list is a prepared statement (one per filter shape) of the summary columns along the \`(startedAt, id)\` index, its times formatted as ISO text by PostgreSQL, its rows keyed by field as the driver decodes them (no per-field mapping); the page goes out as its mapper built it (\`wireForm\`: the tests and \`weft dev\` check it against its schema, \`weft api\` does not); JSON log lines are written in batches.
- (b)'s *CPU a request*: user + system time from \`/proc\` over (b), ÷ requests, of the API process and of the load generator (this bench's process: autocannon, and the API's log lines it reads). \`--profile dir\` writes the API's CPU profile: what is left of a request's CPU is mostly garbage collection, the HTTP write, the driver's row decoding, \`JSON.stringify\`, Express's routing and the ETag's hash.
`;
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
