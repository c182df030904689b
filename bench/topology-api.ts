/**
 * `npm run bench:topology-api [-- --repeats 3 --stored 10000 --rate 500 --duration 30 --clients 200 --runs 20]`:
 * the API on the production topology of deploy/local-cluster.sh (needs
 * WEFT_TEMPORAL_SERVER and WEFT_TEMPORAL_SQL_TOOL). Measures, each `--repeats` times:
 *  (c) `GET /runs?limit=50` on api-1 with `--stored` runs stored, at `--rate`
 *      requests/s for `--duration` s (autocannon: p50/p95/p99, errors);
 *  (d) `--clients` event-stream clients on `GET /events`, half on each API, while
 *      `--runs` runs start and end: whether every client got every run's end,
 *      and how long after the run's end (p50/p95 over clients × runs).
 * Writes its section of docs/benchmarks.md: the median and range of the repeats.
 */
import { randomBytes } from 'node:crypto';
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { isTerminalRun } from '../src/dag/run-state.js';
import { openDatabase } from '../src/db/client.js';
import { startLocalCluster } from '../test/support/local-cluster.js';
import { readEvents } from '../test/support/sse.js';
import { autocannonP95, percentile, writeSection } from './report.js';
import { storeEndedRuns } from './stored-runs.js';

const { values } = parseArgs({
  options: {
    repeats: { type: 'string', default: '3' },
    stored: { type: 'string', default: '10000' },
    rate: { type: 'string', default: '500' },
    duration: { type: 'string', default: '30' },
    clients: { type: 'string', default: '200' },
    runs: { type: 'string', default: '20' },
    out: { type: 'string', default: 'docs/benchmarks.md' },
  },
});
const REPEATS = Number(values.repeats);
const STORED = Number(values.stored);
const RATE = Number(values.rate);
const DURATION = Number(values.duration);
const CLIENTS = Number(values.clients);
const RUNS = Number(values.runs);

interface Repeat {
  list: { p50: number; p95: number; p99: number; rps: number; errors: number };
  streams: { complete: number; p50: number; p95: number };
}

async function measureList(url: string, key: string): Promise<Repeat['list']> {
  const result = await autocannon({ url: `${url}/api/v1/runs?limit=50`, headers: { authorization: `Bearer ${key}` }, connections: 50, overallRate: RATE, duration: DURATION });
  return { p50: result.latency.p50, p95: autocannonP95(result.latency as unknown as { p90: number; p97_5: number }), p99: result.latency.p99, rps: result.requests.average, errors: result.errors + result.timeouts + result.non2xx };
}

async function measureStreams(urls: [string, string], key: string): Promise<Repeat['streams']> {
  const name = `bench-streams-${randomBytes(4).toString('hex')}`;
  const ended = Array.from({ length: CLIENTS }, () => new Set<string>());
  const delays: number[] = [];
  let open = 0;
  const clients = Array.from({ length: CLIENTS }, (_, c) =>
    readEvents(`${urls[c % 2]}/api/v1/events?workflow=${name}`, key, (e) => {
      if (e.event !== 'run' || !isTerminalRun(e.data.status)) return;
      delays.push(Date.now() - Date.parse(e.data.endedAt));
      ended[c]!.add(e.data.runId as string);
      return ended[c]!.size === RUNS ? 'stop' : undefined;
    }, undefined, () => (open += 1)),
  );
  while (open < CLIENTS) await new Promise((r) => setTimeout(r, 50));
  const definition = { apiVersion: 'weft/v1', name, nodes: [{ id: 'a', type: 'agent', agent: { provider: 'offline', prompt: 'p', mock: { text: 'ok', delay: '500ms' } } }] };
  for (let i = 0; i < RUNS; i++) {
    const res = await fetch(`${urls[i % 2]}/api/v1/runs`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ definition }) });
    if (res.status !== 202) throw new Error(`POST /runs answered ${res.status}`);
  }
  const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 120_000).unref());
  await Promise.race([Promise.all(clients), timeout]);
  delays.sort((a, b) => a - b);
  return { complete: ended.filter((s) => s.size === RUNS).length, p50: percentile(delays, 50), p95: percentile(delays, 95) };
}

async function main(): Promise<void> {
  const cluster = await startLocalCluster({ WEFT_RATE_LIMIT: String(1_000_000), WEFT_LOG_LEVEL: 'warn' });
  try {
    const database = await openDatabase({ url: cluster.databaseUrl, dataDir: '', maxConnections: 2 });
    await storeEndedRuns(database.db, STORED);
    await database.close();
    const repeats: Repeat[] = [];
    for (let i = 0; i < REPEATS; i++) {
      const repeat = { list: await measureList(cluster.apiUrls[0], cluster.adminKey), streams: await measureStreams(cluster.apiUrls, cluster.adminKey) };
      process.stdout.write(`${JSON.stringify(repeat)}\n`);
      repeats.push(repeat);
    }
    writeSection(values.out!, 'topology-api', render(repeats));
    process.stdout.write(`written to ${values.out}\n`);
  } finally {
    await cluster.down();
  }
}

function render(repeats: Repeat[]): string {
  const stat = (pick: (r: Repeat) => number, digits = 1) => {
    const xs = repeats.map(pick).sort((a, b) => a - b);
    return `${percentile(xs, 50).toFixed(digits)} (${xs[0]!.toFixed(digits)}–${xs.at(-1)!.toFixed(digits)})`;
  };
  return `## The API on the production topology

Command: \`WEFT_TEMPORAL_SERVER=… WEFT_TEMPORAL_SQL_TOOL=… npm run bench:topology-api -- --repeats ${REPEATS} --stored ${STORED} --rate ${RATE} --duration ${DURATION} --clients ${CLIENTS} --runs ${RUNS}\`
Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 1024 ** 3).toFixed(0)} GiB, Node ${process.version}; deploy/local-cluster.sh (Temporal server 1.29.1 on PostgreSQL, two \`weft api\`, two \`weft worker\`), the load generator on the same machine.
Date: ${new Date().toISOString().slice(0, 10)}. Each figure: the median of ${REPEATS} repeats, with their range.

| what | p50 | p95 | p99 | other |
| --- | ---: | ---: | ---: | --- |
| (c) \`GET /runs?limit=50\` on one API, ${STORED.toLocaleString('en')} runs stored, ${RATE} req/s for ${DURATION} s | ${stat((r) => r.list.p50)} ms | ${stat((r) => r.list.p95)} ms | ${stat((r) => r.list.p99)} ms | ${stat((r) => r.list.rps, 0)} req/s served, ${stat((r) => r.list.errors, 0)} errors |
| (d) ${CLIENTS} clients on \`GET /events\` (half on each API), ${RUNS} runs: a run's end to each client | ${stat((r) => r.streams.p50)} ms | ${stat((r) => r.streams.p95)} ms | | ${stat((r) => r.streams.complete, 0)} of ${CLIENTS} clients got every run's end |

- (c)'s p95 is interpolated between autocannon's p90 and p97.5.
- (d) is measured from the run record's \`endedAt\` (the workflow's clock) to the event's arrival at a client in another process.
`;
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
