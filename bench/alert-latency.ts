/**
 * `npm run bench:alerts [-- --repeats 3 --runs 10]`: how long a failed run
 * takes to reach a webhook receiver (contract weft-ops §13: within 10 s).
 * `weft worker` and `weft api` run as processes of their own on a Temporal dev
 * server and a throwaway PostgreSQL, with the evaluator's default 30 s
 * interval, so the figure is the run-end check's path: the run's end is
 * stored, the check stores the notice, a delivery workflow posts it. Each
 * failing run is of a workflow of its own (a `run_failed` rule on `*`), so
 * each is a new alert and a notice. Writes its section of docs/benchmarks.md.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { findTemporalCli, startTemporalDevServer } from '../src/runtime/temporal-dev-server.js';
import { startAlertReceiver } from '../test/support/alert-receiver.js';
import { startThrowawayPostgres } from '../test/support/postgres-cluster.js';
import { freePort } from '../test/support/ports.js';
import { spawnWeft, stopProcess, waitFor } from '../test/support/processes.js';
import { median, percentile, writeSection } from './report.js';

const { values } = parseArgs({ options: { repeats: { type: 'string', default: '3' }, runs: { type: 'string', default: '10' }, out: { type: 'string', default: 'docs/benchmarks.md' } } });
const REPEATS = Number(values.repeats);
const RUNS = Number(values.runs);
const KEY = `bench-admin-${randomBytes(12).toString('hex')}`;

async function main(): Promise<void> {
  const binary = findTemporalCli(process.env.TEMPORAL_CLI);
  const [server, postgres] = await Promise.all([freePort().then((port) => startTemporalDevServer({ binary, port, headless: true })), startThrowawayPostgres()]);
  const scratch = mkdtempSync(join(tmpdir(), 'weft-bench-alerts-'));
  const port = await freePort();
  const receiver = await startAlertReceiver();
  const env = { ...process.env, DATABASE_URL: postgres.url, TEMPORAL_ADDRESS: server.address, WEFT_PORT: String(port), WEFT_BOOTSTRAP_ADMIN_KEY: KEY, WEFT_LOG_LEVEL: 'info', WEFT_DATA_DIR: scratch, WEFT_METRICS_PORT: String(await freePort()) };
  const processes = [];
  try {
    processes.push(await spawnWeft('worker', env, 'Weft worker polling'));
    processes.push(await spawnWeft('api', env, 'Weft API listening'));
    const url = `http://127.0.0.1:${port}/api/v1`;
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${url}${path}`, { method, headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
      return (await res.json()) as any;
    };
    await call('POST', '/alerts/channels', { name: 'bench', type: 'webhook', url: receiver.url, secret: 'bench' });
    await call('POST', '/alerts/rules', { name: 'failed', kind: 'run_failed', workflow: '*', channels: ['bench'] });
    const repeats: number[][] = [];
    for (let r = 0; r < REPEATS; r++) {
      const latencies: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const workflow = `lat-${r}-${i}`;
        const definition = { apiVersion: 'weft/v1', name: workflow, nodes: [{ id: 'boom', type: 'agent', retry: { maxAttempts: 1 }, agent: { provider: 'offline', prompt: 'p', mock: { failAlways: true, error: { nonRetryable: true } } } }] };
        const { id } = await call('POST', '/runs', { definition });
        const run = await call('GET', `/runs/${id}?wait=30s`);
        const notice = await waitFor(async () => receiver.received.find((x) => x.body.alert.labels.workflow === workflow), `the notice of ${workflow}`, 120_000);
        latencies.push(notice.at - Date.parse(run.endedAt));
      }
      latencies.sort((a, b) => a - b);
      process.stdout.write(`${JSON.stringify(latencies)}\n`);
      repeats.push(latencies);
    }
    writeSection(values.out!, 'alerts', render(repeats));
    process.stdout.write(`written to ${values.out}\n`);
  } finally {
    for (const p of processes.reverse()) await stopProcess(p, 'SIGTERM');
    await receiver.close();
    await server.stop();
    postgres.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

function render(repeats: number[][]): string {
  const stat = (pick: (xs: number[]) => number) => {
    const xs = repeats.map(pick).sort((a, b) => a - b);
    return `${median(xs).toFixed(0)} (${xs[0]!.toFixed(0)}–${xs.at(-1)!.toFixed(0)})`;
  };
  return `## Alerts: a failed run to the receiver (weft-ops §13)

Command: \`npm run bench:alerts -- --repeats ${REPEATS} --runs ${RUNS}\`
Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 1024 ** 3).toFixed(0)} GiB, Node ${process.version}, Temporal dev server, PostgreSQL (throwaway cluster); \`weft worker\` and \`weft api\` as processes of their own, the receiver in the benchmark's.
Date: ${new Date().toISOString().slice(0, 10)}. ${RUNS} failing runs a repeat, one after another, each a new \`run_failed\` alert; from the run's \`endedAt\` to the signed POST reaching the receiver. Evaluator interval: the default 30 s (the figure is the run-end check's, not the schedule's). Each figure: the median of ${REPEATS} repeats, with their range.

| what | p50 | p95 | max | target |
| --- | ---: | ---: | ---: | --- |
| run failed → receiver | ${stat((xs) => percentile(xs, 50))} ms | ${stat((xs) => percentile(xs, 95))} ms | ${stat((xs) => xs.at(-1)!)} ms | < 10 s |
`;
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
