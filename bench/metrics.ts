/**
 * `npm run bench:metrics [-- --repeats 3 --workflows 1000 --requests 200 --changes 10,100]`:
 * `GET /metrics` with Weft's registry holding the label sets of `--workflows`
 * workflows (`fillRegistry`), served by the API's own app (`createApp`) over
 * HTTP on loopback. Each repeat: 20 warm-up requests, then `--requests` one at
 * a time, with `--changes` runs ended between two requests (untimed; one
 * series of requests per number given), as
 * traffic between two scrapes would, so no series' text is served stale from
 * the exposition's per-series cache. Also times prom-client's own rendering
 * of the same registry, for comparison. Writes its section of docs/benchmarks.md.
 */
import { request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { activitySettings } from '../src/activities/settings.js';
import { createApp } from '../src/api/app.js';
import { EventBus } from '../src/api/event-bus.js';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/client.js';
import { createRepositories } from '../src/db/repositories.js';
import { createLogger } from '../src/logger.js';
import { metricsRegistry, NODE_DURATION_BUCKETS } from '../src/metrics/registry.js';
import { fillRegistry, runOnce } from './metrics-fill.js';
import { percentile, writeSection } from './report.js';

const { values } = parseArgs({
  options: {
    repeats: { type: 'string', default: '3' },
    workflows: { type: 'string', default: '1000' },
    requests: { type: 'string', default: '200' },
    changes: { type: 'string', default: '10,100' },
    out: { type: 'string', default: 'docs/benchmarks.md' },
  },
});
const REPEATS = Number(values.repeats);
const WORKFLOWS = Number(values.workflows);
const REQUESTS = Number(values.requests);
/** Runs ended between two scrapes, one series of scrapes each: a scrape's cost follows this, not the registry's size. */
const CHANGES = values.changes!.split(',').map(Number);
const WARM_UP = 20;

/** Scrapes of one kind: latency percentiles and the body's size on the wire. */
interface Timing {
  p50: number;
  p95: number;
  max: number;
  bytes: number;
}

interface Repeat {
  /** As Prometheus scrapes (`Accept-Encoding: gzip`), one per `CHANGES` entry. */
  gzip: Timing[];
  /** A client that takes no compression (curl without `--compressed`), at the most changes. */
  plain: Timing;
  /** prom-client's `registry.metrics()` on the same registry, p50 of 10 calls. */
  promClient: number;
}

/** The headers Prometheus 2.x/3.x sends with a scrape (its text-format Accept and gzip). */
const PROMETHEUS_HEADERS = { accept: 'text/plain;version=0.0.4;q=0.5,*/*;q=0.1', 'accept-encoding': 'gzip' };

async function main(): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'weft-bench-metrics-'));
  const database = await openDatabase({ dataDir: scratch, migrate: true });
  // `/metrics` never calls Temporal: a lazy connection that never connects is enough.
  const client = new Client({ connection: Connection.lazy({ address: '127.0.0.1:7233' }) });
  const settings = activitySettings(loadConfig({}), {});
  const app = createApp({
    repos: createRepositories(database.db),
    pingDatabase: database.ping,
    bus: new EventBus(database.listen),
    temporal: { client, taskQueue: 'weft', namespace: 'default' },
    logger: createLogger('warn'),
    maxBodyBytes: 1024 * 1024,
    pricing: settings.pricing,
    tiers: settings.tiers,
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  try {
    fillRegistry(WORKFLOWS);
    const repeats: Repeat[] = [];
    let shape = { series: 0, samples: 0 };
    for (let i = 0; i < REPEATS; i++) {
      const repeat = await measure(port);
      shape = count(await metricsRegistry.metrics());
      process.stdout.write(`${JSON.stringify({ ...repeat, ...shape })}\n`);
      repeats.push(repeat);
    }
    writeSection(values.out!, 'metrics', render(repeats, shape));
    process.stdout.write(`written to ${values.out}\n`);
  } finally {
    await new Promise((resolve) => server.close(resolve));
    await database.close();
    await client.connection.close().catch(() => {});
    rmSync(scratch, { recursive: true, force: true });
  }
}

let changed = 0;

async function measure(port: number): Promise<Repeat> {
  const gzip: Timing[] = [];
  for (const changes of CHANGES) gzip.push(await timeScrapes(port, PROMETHEUS_HEADERS, changes));
  const plain = await timeScrapes(port, {}, Math.max(...CHANGES));
  const promClient: number[] = [];
  for (let i = 0; i < 10; i++) {
    const t0 = performance.now();
    await metricsRegistry.metrics();
    promClient.push(performance.now() - t0);
  }
  promClient.sort((a, b) => a - b);
  return { gzip, plain, promClient: percentile(promClient, 50) };
}

/** Warm-up scrapes, then `REQUESTS` timed ones with `changes` runs ended before each. */
async function timeScrapes(port: number, headers: Record<string, string>, changes: number): Promise<Timing> {
  for (let i = 0; i < WARM_UP; i++) await scrape(port, headers);
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < REQUESTS; i++) {
    for (let c = 0; c < changes; c++) runOnce(changed++ % WORKFLOWS);
    const result = await scrape(port, headers);
    times.push(result.ms);
    bytes = result.bytes;
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95), max: times.at(-1)!, bytes };
}

/** One `GET /metrics`, timed from the request to the body's last byte (as sent: compressed when asked). */
function scrape(port: number, headers: Record<string, string>): Promise<{ ms: number; bytes: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path: '/metrics', headers }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => (res.statusCode === 200 ? resolve({ ms: performance.now() - t0, bytes }) : reject(new Error(`GET /metrics: ${res.statusCode}`))));
    })
      .on('error', reject)
      .end();
  });
}

/** Series (label sets: a histogram counts once) and sample lines in an exposition. */
function count(text: string): { series: number; samples: number } {
  const samples = text.split('\n').filter((line) => line && !line.startsWith('#'));
  return { series: samples.filter((line) => !/_(bucket|sum)\{/.test(line)).length, samples: samples.length };
}

function render(repeats: Repeat[], shape: { series: number; samples: number }): string {
  const median = (pick: (r: Repeat) => number) => percentile(repeats.map(pick).sort((a, b) => a - b), 50);
  const stat = (pick: (r: Repeat) => number, digits = 1) => {
    const xs = repeats.map(pick).sort((a, b) => a - b);
    return `${median(pick).toFixed(digits)} (${xs[0]!.toFixed(digits)}–${xs.at(-1)!.toFixed(digits)})`;
  };
  return `## \`GET /metrics\`

Command: \`npm run bench:metrics -- --repeats ${REPEATS} --workflows ${WORKFLOWS} --requests ${REQUESTS} --changes ${CHANGES.join(',')}\`
Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 1024 ** 3).toFixed(0)} GiB, Node ${process.version}, load average ${loadavg()[0]!.toFixed(1)} at the end; the API's app (\`createApp\`) in the benchmark's process, on loopback.
Date: ${new Date().toISOString().slice(0, 10)}. Each figure: the median of ${REPEATS} repeats, with their range.

Registry: the label sets of ${WORKFLOWS.toLocaleString('en')} workflows, counted by Weft's own counting code (\`bench/metrics-fill.ts\`): ${shape.series.toLocaleString('en')} series, ${shape.samples.toLocaleString('en')} sample lines.
Each repeat: ${WARM_UP} warm-up requests, then ${REQUESTS} requests one at a time, with a given number of runs ended between two requests (untimed), for each number.

| what | p50 | p95 | max | size on the wire |
| --- | ---: | ---: | ---: | ---: |
${CHANGES.map((changes, i) => `| \`GET /metrics\` as Prometheus scrapes (\`Accept-Encoding: gzip\`), ${changes} runs ended between two scrapes | ${stat((r) => r.gzip[i]!.p50)} ms | ${stat((r) => r.gzip[i]!.p95)} ms | ${stat((r) => r.gzip[i]!.max)} ms | ${stat((r) => r.gzip[i]!.bytes / 1024 ** 2, 2)} MiB |`).join('\n')}
| \`GET /metrics\` uncompressed (curl without \`--compressed\`), ${Math.max(...CHANGES)} runs ended between two scrapes | ${stat((r) => r.plain.p50)} ms | ${stat((r) => r.plain.p95)} ms | ${stat((r) => r.plain.max)} ms | ${stat((r) => r.plain.bytes / 1024 ** 2, 2)} MiB |
| prom-client's \`registry.metrics()\` alone, for comparison | ${stat((r) => r.promClient)} ms | | | |

Target: p95 under 5 ms for Prometheus's scrape: ${CHANGES.map((changes, i) => `${median((r) => r.gzip[i]!.p95) < 5 ? 'met' : 'not met'} with ${changes} runs ended between two scrapes`).join('; ')}.

- A scrape costs what changed since the previous one, not what exists: every update to a Weft metric marks its series (\`src/metrics/series-changes.ts\`), and the exposition (\`src/metrics/exposition-cache.ts\`) keeps each family's text in batches of about 16 KB with their gzip members, re-rendering and re-compressing only the batches whose series changed. The body is those members one after another (RFC 1952 allows several members in one gzip stream), so the unchanged text is never compressed again; prom-client alone rebuilds every line on every scrape.
- Without compression the body is ${WORKFLOWS.toLocaleString('en')} workflows × the per-workflow histograms (\`weft_run_duration_seconds\` and \`weft_node_duration_seconds\`, ${NODE_DURATION_BUCKETS.length + 3} lines per node type): megabytes that take longer than 5 ms to produce, send and read on loopback whatever the renderer. Prometheus always asks for gzip.
`;
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
