/**
 * `npm run bench:exports [-- --repeats 3 --executions 1000000]`: the §14
 * export targets. Seeds `--executions` node executions (100 a run) with SQL
 * `generate_series` into a throwaway PostgreSQL, starts `weft api` as a
 * process of its own, and streams `GET /export/node-executions?format=csv`
 * `--repeats` times, measuring the first byte, the rows a second, and the
 * API's resident memory (VmRSS, sampled every 50 ms) above its level before
 * the export. Writes its section of docs/benchmarks.md.
 * `--api-node-args="--cpu-prof --trace-gc"` starts the API with those Node
 * flags (to profile it during the export), its stdout passed on to stderr.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { openDatabase } from '../src/db/client.js';
import { findTemporalCli, startTemporalDevServer } from '../src/runtime/temporal-dev-server.js';
import { startThrowawayPostgres } from '../test/support/postgres-cluster.js';
import { freePort } from '../test/support/ports.js';
import { spawnWeft, stopProcess } from '../test/support/processes.js';
import { median, writeSection } from './report.js';

const { values } = parseArgs({ options: { repeats: { type: 'string', default: '3' }, executions: { type: 'string', default: '1000000' }, out: { type: 'string', default: 'docs/benchmarks.md' }, 'api-node-args': { type: 'string', default: '' } } });
const REPEATS = Number(values.repeats);
const EXECUTIONS = Number(values.executions);
const PER_RUN = 100;
const KEY = `bench-admin-${randomBytes(12).toString('hex')}`;

interface Repeat {
  firstByteMs: number;
  /** The first data row (the CSV header goes out before the export's reading starts): the thread's start-up and first page. */
  firstRowMs: number;
  seconds: number;
  rows: number;
  rowsPerSecond: number;
  rssGrowthMb: number;
  bytes: number;
}

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'))!;
  return Number(line.replace(/\D+/g, '')) / 1024;
}

async function measure(url: string, pid: number): Promise<Repeat> {
  const before = rssMb(pid);
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 50);
  // Stopped whatever happens: left running, it read the stopped API's /proc entry and hid the request's own error.
  try {
    return await download(url, before, () => peak);
  } finally {
    clearInterval(sampler);
  }
}

async function download(url: string, before: number, peak: () => number): Promise<Repeat> {
  const t0 = performance.now();
  const res = await fetch(`${url}/api/v1/export/node-executions?format=csv`, { headers: { authorization: `Bearer ${KEY}` } });
  const reader = res.body!.getReader();
  let firstByteMs = -1;
  let firstRowMs = -1;
  let newlines = 0;
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (firstByteMs < 0) firstByteMs = performance.now() - t0;
    bytes += value.length;
    for (const b of value) if (b === 10) newlines++;
    if (firstRowMs < 0 && newlines >= 2) firstRowMs = performance.now() - t0;
  }
  const seconds = (performance.now() - t0) / 1000;
  const rows = newlines - 1;
  return { firstByteMs, firstRowMs, seconds, rows, rowsPerSecond: rows / seconds, rssGrowthMb: peak() - before, bytes };
}

async function main(): Promise<void> {
  const binary = findTemporalCli(process.env.TEMPORAL_CLI);
  const [server, postgres] = await Promise.all([freePort().then((port) => startTemporalDevServer({ binary, port, headless: true })), startThrowawayPostgres()]);
  const scratch = mkdtempSync(join(tmpdir(), 'weft-bench-exports-'));
  const port = await freePort();
  const database = await openDatabase({ url: postgres.url, dataDir: scratch, migrate: true });
  let api;
  try {
    const runs = Math.ceil(EXECUTIONS / PER_RUN);
    const seedStart = performance.now();
    await database.db.execute(sql`insert into runs (id, workflow_name, status, cost_usd, started_at, ended_at)
      select 'run_x' || lpad(g::text, 8, '0'), 'bench-' || (g % 20), 'succeeded', 0.05, now() - interval '30 days' + g * interval '1 second', now() - interval '30 days' + g * interval '1 second' + interval '5 seconds'
      from generate_series(1, ${runs}) g`);
    await database.db.execute(sql`insert into node_executions (run_id, node_id, attempt, status, started_at, ended_at, cost_usd, detail)
      select 'run_x' || lpad((1 + (g - 1) / ${PER_RUN})::text, 8, '0'), 'node-' || ((g - 1) % ${PER_RUN}), 1, case when g % 50 = 0 then 'failed' else 'succeeded' end,
             now() - interval '30 days' + g * interval '10 ms', now() - interval '30 days' + g * interval '10 ms' + interval '40 ms', 0.0005,
             jsonb_build_object('model', 'claude-sonnet-4', 'usage', jsonb_build_object('inputTokens', 120, 'outputTokens', 40))
      from generate_series(1, ${EXECUTIONS}) g`);
    await database.db.execute(sql`analyze`);
    const seedSeconds = (performance.now() - seedStart) / 1000;
    process.stdout.write(`seeded ${EXECUTIONS} node executions over ${runs} runs in ${seedSeconds.toFixed(1)} s\n`);
    const env = { ...process.env, DATABASE_URL: postgres.url, TEMPORAL_ADDRESS: server.address, WEFT_PORT: String(port), WEFT_BOOTSTRAP_ADMIN_KEY: KEY, WEFT_LOG_LEVEL: 'info', WEFT_DATA_DIR: scratch };
    api = await spawnWeft('api', env, 'Weft API listening', values['api-node-args']!.split(' ').filter(Boolean));
    // Profiling flags (--trace-gc and the like) print to the API's stdout: pass it on.
    if (values['api-node-args']) api.stdout!.on('data', (d: Buffer) => process.stderr.write(d));
    const url = `http://127.0.0.1:${port}`;
    const repeats: Repeat[] = [];
    for (let i = 0; i < REPEATS; i++) {
      const repeat = await measure(url, api.pid!);
      process.stdout.write(`${JSON.stringify(repeat)}\n`);
      if (repeat.rows !== EXECUTIONS) throw new Error(`exported ${repeat.rows} rows, expected ${EXECUTIONS}`);
      repeats.push(repeat);
    }
    writeSection(values.out!, 'exports', render(repeats));
    process.stdout.write(`written to ${values.out}\n`);
  } finally {
    if (api) await stopProcess(api, 'SIGTERM');
    await database.close();
    await server.stop();
    postgres.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

function render(repeats: Repeat[]): string {
  const stat = (pick: (r: Repeat) => number, digits = 1) => {
    const xs = repeats.map(pick).sort((a, b) => a - b);
    return `${median(xs).toFixed(digits)} (${xs[0]!.toFixed(digits)}–${xs.at(-1)!.toFixed(digits)})`;
  };
  return `## Exports (weft-ops §14)

Command: \`npm run bench:exports -- --repeats ${REPEATS} --executions ${EXECUTIONS}\`
Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 1024 ** 3).toFixed(0)} GiB, Node ${process.version}, PostgreSQL (throwaway cluster); \`weft api\` as a process of its own, the client in another.
Date: ${new Date().toISOString().slice(0, 10)}. ${EXECUTIONS.toLocaleString('en')} node executions (${PER_RUN} a run) seeded with \`generate_series\`; \`GET /export/node-executions?format=csv\`, read to the end. Each figure: the median of ${REPEATS} repeats, with their range.

| what | figure | target |
| --- | ---: | --- |
| first byte | ${stat((r) => r.firstByteMs)} ms | < 1 s |
| first data row (the export thread's start-up and first page) | ${stat((r) => r.firstRowMs)} ms | |
| rows a second | ${stat((r) => r.rowsPerSecond, 0)} | ≥ 50,000 |
| whole export | ${stat((r) => r.seconds)} s, ${stat((r) => r.bytes / 1024 ** 2)} MiB | |
| API resident memory above its level before the export (peak, VmRSS sampled every 50 ms) | ${stat((r) => r.rssGrowthMb)} MB | < 64 MB |

- Load average (1 min) as the benchmark ended: ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores. The API, PostgreSQL and the client share them, so on a loaded machine rows/s falls with the CPU left over.
- The memory figure is the process's resident set, V8's heap growth policy included, the export's thread counted in it (threads share the process): the export reads in a \`worker_threads\` thread of its own with a bounded heap (64 MB old generation, 4 MB young; about 25 MB used), holding one or two pages (2,000 rows each) at a time, and the first repeat also pays for the API's warm-up (its code paths' first JIT and heap growth). The V8 heaps apart from the resident set: \`--api-node-args=--trace-gc\`.
- The first byte is the CSV header, sent before the export's reading starts; the first data row waits for the thread's start-up (a V8 isolate, its modules loaded: from source, as here, through tsx) and its first page.
`;
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
