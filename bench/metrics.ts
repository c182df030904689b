/**
 * `npm run bench:metrics [-- --repeats 3 --workflows 1000 --requests 200 --changes 2,10,100]`:
 * `GET /metrics` with Weft's registry holding the label sets of `--workflows`
 * workflows (`fillRegistry`), served by the API's own app (`createApp`) over
 * HTTP on loopback. Each repeat: 20 warm-up requests, then `--requests` one at
 * a time, with `--changes` runs ended between two requests (untimed; one
 * series of requests per number given), as
 * traffic between two scrapes would, so no series' text is served stale from
 * the exposition's per-series cache. Also times prom-client's own rendering
 * of the same registry, for comparison. Writes its section of docs/benchmarks.md.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { createServer } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { activitySettings } from '../src/activities/settings.js';
import { createApp } from '../src/api/app.js';
import { EventBus } from '../src/api/event-bus.js';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/client.js';
import { createRepositories } from '../src/db/repositories.js';
import { inThreadExports } from '../src/exports/export-source.js';
import { createLogger } from '../src/logger.js';
import { settleMetrics } from '../src/metrics/exposition.js';
import { metricsRegistry, NODE_DURATION_BUCKETS } from '../src/metrics/registry.js';
import { fillRegistry, runOnce } from './metrics-fill.js';
import { percentile, writeSection } from './report.js';

const { values } = parseArgs({
  options: {
    repeats: { type: 'string', default: '3' },
    workflows: { type: 'string', default: '1000' },
    requests: { type: 'string', default: '200' },
    changes: { type: 'string', default: '2,10,100' },
    out: { type: 'string', default: 'docs/benchmarks.md' },
  },
});
const REPEATS = Number(values.repeats);
const WORKFLOWS = Number(values.workflows);
const REQUESTS = Number(values.requests);
/** Runs ended between two scrapes, one series of scrapes each: a scrape's cost follows this, not the registry's size. */
const CHANGES = values.changes!.split(',').map(Number);
const WARM_UP = 20;
/** Untimed idle time before each scrape (see `timeScrapes`). */
const QUIET_MS = 10;

/** Scrapes of one kind: latency percentiles and the body's size on the wire. */
interface Timing {
  p50: number;
  p95: number;
  max: number;
  bytes: number;
  /** The same requests timed inside the API process: arrival to the last byte handed to the socket. */
  server: { p50: number; p95: number };
  /** Median time the background compression took per scrape (re-rendering and compressing what the scrape sent stored). */
  background: number;
}

/** When the runs between two scrapes ended: just before the scrape, or before the background refresh that follows a change. */
type Moment = 'just-before' | 'settled';

interface Repeat {
  /** As Prometheus scrapes (`Accept-Encoding: gzip`), runs ended just before each scrape, one per `CHANGES` entry. */
  gzip: Timing[];
  /** The same, the runs ended long enough before the scrape for the background refresh to have run (at the most changes). */
  settled: Timing;
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
  const repos = createRepositories(database.db);
  const app = createApp({
    repos,
    exports: inThreadExports(repos.exports),
    pingDatabase: database.ping,
    bus: new EventBus(database.listen),
    temporal: { client, taskQueue: 'weft', namespace: 'default' },
    logger: createLogger('warn'),
    maxBodyBytes: 1024 * 1024,
    pricing: settings.pricing,
    tiers: settings.tiers,
  });
  // Times each request on the API's side too, from its arrival to its last byte handed to the socket.
  const server = createServer((req, res) => {
    const t0 = performance.now();
    res.on('finish', () => handled.push(performance.now() - t0));
    app(req, res);
  }).listen(0, '127.0.0.1');
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
/** Each request's time inside the API process (see `main`). */
const handled: number[] = [];

async function measure(port: number): Promise<Repeat> {
  const gzip: Timing[] = [];
  for (const changes of CHANGES) gzip.push(await timeScrapes(port, PROMETHEUS_HEADERS, changes, 'just-before'));
  const settled = await timeScrapes(port, PROMETHEUS_HEADERS, Math.max(...CHANGES), 'settled');
  const plain = await timeScrapes(port, {}, Math.max(...CHANGES), 'just-before');
  const promClient: number[] = [];
  for (let i = 0; i < 10; i++) {
    const t0 = performance.now();
    await metricsRegistry.metrics();
    promClient.push(performance.now() - t0);
  }
  promClient.sort((a, b) => a - b);
  return { gzip, settled, plain, promClient: percentile(promClient, 50) };
}

/**
 * Warm-up scrapes, then `REQUESTS` timed ones with `changes` runs ended before
 * each, at `moment`. The background's work (which production does within a quarter
 * of a second of a change, or after a scrape) is done between two scrapes, untimed
 * in the scrape and timed on its own, so every scrape starts from the state a
 * production process reaches between two of Prometheus's.
 */
async function timeScrapes(port: number, headers: Record<string, string>, changes: number, moment: Moment): Promise<Timing> {
  for (let i = 0; i < WARM_UP; i++) await scrape(port, headers);
  const times: number[] = [];
  const background: number[] = [];
  let bytes = 0;
  const settle = () => {
    const t0 = performance.now();
    settleMetrics();
    background.push(performance.now() - t0);
  };
  handled.length = 0;
  for (let i = 0; i < REQUESTS; i++) {
    if (moment === 'just-before') settle();
    for (let c = 0; c < changes; c++) runOnce(changed++ % WORKFLOWS);
    if (moment === 'settled') settle();
    // The quiet between two scrapes (Prometheus's are 15 s apart): the garbage collection V8 owes for the
    // untimed work above runs once the event loop idles, as it would between two scrapes, not in the next one.
    await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
    const result = await scrape(port, headers);
    times.push(result.ms);
    bytes = result.bytes;
  }
  times.sort((a, b) => a - b);
  background.sort((a, b) => a - b);
  const inside = handled.slice().sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95), max: times.at(-1)!, bytes, server: { p50: percentile(inside, 50), p95: percentile(inside, 95) }, background: percentile(background, 50) };
}

/**
 * The scraping client, on a thread of its own as Prometheus is a process of
 * its own: the background work the exposition does on the API's event loop
 * right after writing a response must not count into the scrape's time, and
 * the client's reading must not count into the API's.
 */
const CLIENT = `
const { parentPort } = require('node:worker_threads');
const { request } = require('node:http');
parentPort.on('message', ({ port, headers }) => {
  const t0 = performance.now();
  request({ host: '127.0.0.1', port, path: '/metrics', headers }, (res) => {
    let bytes = 0;
    res.on('data', (chunk) => (bytes += chunk.length));
    res.on('end', () => parentPort.postMessage({ ms: performance.now() - t0, bytes, status: res.statusCode }));
  }).on('error', (err) => parentPort.postMessage({ error: err.message })).end();
});
`;
const client = new Worker(CLIENT, { eval: true });
client.unref();

/** One `GET /metrics` from the client thread, timed there from the request to the body's last byte (as sent: compressed when asked). */
function scrape(port: number, headers: Record<string, string>): Promise<{ ms: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    client.once('message', (reply: { ms: number; bytes: number; status?: number; error?: string }) => {
      if (reply.error !== undefined || reply.status !== 200) reject(new Error(`GET /metrics: ${reply.error ?? reply.status}`));
      else resolve(reply);
    });
    client.postMessage({ port, headers });
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
Each repeat: ${WARM_UP} warm-up requests, then ${REQUESTS} requests one at a time, with a given number of runs ended between two requests (untimed), for each number, then ${QUIET_MS} ms of quiet (the idle time between two scrapes, in which V8 collects the garbage the untimed work left). Each scrape is timed by a client on its own thread, from the request to the body's last byte, and inside the API process, from the request's arrival to its last byte handed to the socket. Between two scrapes the benchmark does, untimed, the exposition's background work (\`settleMetrics\`), which a production process does within a quarter of a second of a change: "just before" rows end the runs after it, as the worst case where they all ended in the last quarter of a second before the scrape; the "settled" row ends them before it.

| what | p50 | p95 | max | inside the API: p50 | p95 | size on the wire | background work per scrape (p50) |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${CHANGES.map((changes, i) => `| \`GET /metrics\` as Prometheus scrapes (\`Accept-Encoding: gzip\`), ${changes} runs ended just before the scrape | ${stat((r) => r.gzip[i]!.p50)} ms | ${stat((r) => r.gzip[i]!.p95)} ms | ${stat((r) => r.gzip[i]!.max)} ms | ${stat((r) => r.gzip[i]!.server.p50)} ms | ${stat((r) => r.gzip[i]!.server.p95)} ms | ${stat((r) => r.gzip[i]!.bytes / 1024 ** 2, 2)} MiB | ${stat((r) => r.gzip[i]!.background)} ms |`).join('\n')}
| the same, ${Math.max(...CHANGES)} runs ended more than a quarter of a second before the scrape (settled) | ${stat((r) => r.settled.p50)} ms | ${stat((r) => r.settled.p95)} ms | ${stat((r) => r.settled.max)} ms | ${stat((r) => r.settled.server.p50)} ms | ${stat((r) => r.settled.server.p95)} ms | ${stat((r) => r.settled.bytes / 1024 ** 2, 2)} MiB | ${stat((r) => r.settled.background)} ms |
| \`GET /metrics\` uncompressed (curl without \`--compressed\`), ${Math.max(...CHANGES)} runs ended just before | ${stat((r) => r.plain.p50)} ms | ${stat((r) => r.plain.p95)} ms | ${stat((r) => r.plain.max)} ms | ${stat((r) => r.plain.server.p50)} ms | ${stat((r) => r.plain.server.p95)} ms | ${stat((r) => r.plain.bytes / 1024 ** 2, 2)} MiB | |
| prom-client's \`registry.metrics()\` alone, for comparison | ${stat((r) => r.promClient)} ms | | | | | | |

Target: \`/metrics\` under 5 ms at p95 with ${WORKFLOWS.toLocaleString('en')} workflows' label sets: **${median((r) => r.settled.p95) < 5 ? 'met' : 'not met'}** once the exposition has caught up (the settled row: p95 ${median((r) => r.settled.p95).toFixed(1)} ms as Prometheus would see it, ${median((r) => r.settled.server.p95).toFixed(1)} ms inside the API). With runs ended in the quarter of a second before a scrape, which the scrape renders and sends stored, p95 is ${CHANGES.map((changes, i) => `${median((r) => r.gzip[i]!.p95).toFixed(1)} ms with ${changes}`).join(', ')} (${CHANGES.map((changes, i) => `${median((r) => r.gzip[i]!.p95) < 5 ? 'under' : 'over'} 5 ms with ${changes}`).join(', ')}). Prometheus scrapes every 15 s by default: at 100 runs between two scrapes (6.7 runs a second) about 2 end in the quarter of a second before a scrape; 10 pending take 40 runs a second, 100 pending 400.

- A scrape costs what changed since the exposition last caught up, not what exists: every update to a Weft metric marks its series (\`src/metrics/series-changes.ts\`), and the exposition (\`src/metrics/exposition-cache.ts\`) keeps each family's text in batches of about 8 KB with their gzip members. A scrape re-renders the changed series and sends a batch changed since it was last compressed as a stored (uncompressed) gzip member, so it never waits for zlib; the batches are compressed in the background, in slices of at most 2 ms of the event loop, right after the scrape and a quarter of a second after a change. The body is those members one after another (RFC 1952 allows several members in one gzip stream); prom-client alone rebuilds every line on every scrape.
- The background column is the CPU that work costs per scrape, off the request path: it follows the number of batches changed, not the registry's size.
- Without compression the body is ${WORKFLOWS.toLocaleString('en')} workflows × the per-workflow histograms (\`weft_run_duration_seconds\` and \`weft_node_duration_seconds\`, ${NODE_DURATION_BUCKETS.length + 3} lines per node type): megabytes that take longer than 5 ms to send and read on loopback. Prometheus always asks for gzip.
`;
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
