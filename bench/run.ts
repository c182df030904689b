/**
 * `npm run bench [-- --repeats 3 --runs 9 --concurrency 8 --throughput-runs 32 --big-nodes 10000]`:
 * Weft's interpreter against the same DAG shapes written by hand as plain
 * Temporal workflows, both calling the same no-op activity on the same dev
 * server in the same process (a 10-step chain of activity nodes and one of
 * `execution: local` nodes against local activities among them). Reports per-run
 * wall time (median), runs/s at a fixed concurrency, CPU per run of the bench
 * process and of the server, history events per node, and Weft / hand-written
 * ratios, each the median and range of the repeats; then one run of a
 * ~10,000-node DAG (wall time, executions, largest history, peak RSS). Writes
 * the tables to docs/benchmarks.md.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import type { Client } from '@temporalio/client';
import { installTemporalRuntime } from '../src/runtime/temporal-runtime.js';
import type { Definition } from '../src/dag/schema.js';
import type { RunWorkflowResult } from '../src/workflows/messages.js';
import { BIG_DEFAULTS, bigMix } from '../test/support/big-dags.js';
import { executionsOf } from '../test/support/executions.js';
import { spawnWeft, stopProcess } from '../test/support/processes.js';
import { cpuDuring } from './cpu.js';
import { interpreterTable, type Measure, type ShapeResult, type Variant } from './interpreter-report.js';
import { startBackend } from './backend.js';
import { HAND_TASK_QUEUE, startBenchWorkers, startWeftRun, TASK_QUEUE } from './workers.js';
import { median, writeSection } from './report.js';
import { shapes, type Shape } from './shapes.js';

const { values } = parseArgs({
  options: {
    repeats: { type: 'string', default: '3' },
    /** \`dev\` (the CLI's dev server) or \`production\` (Temporal server on PostgreSQL, deploy/local-cluster.sh). */
    server: { type: 'string', default: 'dev' },
    /** Only the shapes whose name contains this. */
    only: { type: 'string', default: '' },
    runs: { type: 'string', default: '9' },
    concurrency: { type: 'string', default: '8' },
    'throughput-runs': { type: 'string', default: '32' },
    'big-nodes': { type: 'string', default: '10000' },
    /** Only the big run, printed and not written (for looking into it). */
    'big-only': { type: 'boolean', default: false },
    out: { type: 'string', default: 'docs/benchmarks.md' },
  },
});
const REPEATS = Number(values.repeats);
const SERVER = values.server === 'production' ? 'production' : 'dev';
const RUNS = Number(values.runs);
const CONCURRENCY = Number(values.concurrency);
const THROUGHPUT_RUNS = Number(values['throughput-runs']);
const BIG_GROUPS = Math.floor(Number(values['big-nodes']) / 100);

interface BigRun {
  nodes: number;
  wallSeconds: number;
  executions: number;
  largestHistory: number;
  /** The worker's RSS once it polls, before the run. */
  startRssMiB: number;
  /** The worker's peak RSS while the run ran (sampled every 100 ms). */
  runPeakRssMiB: number;
  /** The worker's high-water mark (VmHWM), start-up included (it bundles the workflow code). */
  lifetimePeakRssMiB: number;
}


async function main(): Promise<void> {
  installTemporalRuntime('error');
  const backend = await startBackend(SERVER);
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  let big: BigRun | Error | null = null;
  try {
    const workers = await startBenchWorkers(backend);
    const { client } = workers;
    const results: ShapeResult[] = (values['big-only'] ? [] : shapes().filter((s) => s.name.includes(values.only!))).map((shape) => ({ shape, repeats: [] }));
    const pids = { bench: process.pid, server: backend.serverPid };
    await workers.runWhile(async () => {
      // Each repeat measures every shape once, so a slow spell of the machine's load spreads over shapes, not one.
      for (let repeat = 0; repeat < REPEATS; repeat++) {
        for (const result of results) {
          result.repeats.push(await measureShape(client, result.shape, pids));
          process.stdout.write(`repeat ${repeat + 1}: ${result.shape.name}: ${JSON.stringify(result.repeats.at(-1))}\n`);
        }
      }
      if (BIG_GROUPS > 0) {
        // A failed big run is reported, and the shapes measured before it are still written.
        big = await measureBig(client, { TEMPORAL_ADDRESS: backend.temporalAddress, DATABASE_URL: backend.databaseUrl }).catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
        process.stdout.write(`${big instanceof Error ? big.stack : JSON.stringify(big)}\n`);
      }
    });
    await workers.close();
    const table = interpreterTable(results, Object.keys(pids));
    if (values['big-only']) return;
    writeSection(values.out!, SERVER === 'dev' ? 'interpreter' : 'interpreter-production', renderReport(table, peakRss, backend.describe, big));
    process.stdout.write(`\n${table}\n\npeak RSS of the bench process (worker included): ${(peakRss / 1024 / 1024).toFixed(0)} MiB\nwritten to ${values.out}\n`);
  } finally {
    clearInterval(sampler);
    await backend.stop();
  }
}

/**
 * One run of the big mix (test/support/big-dags.ts) on a `weft worker` process
 * of its own, so its memory is the worker's alone.
 */
async function measureBig(client: Client, env: Record<string, string>): Promise<BigRun> {
  const queue = `${TASK_QUEUE}-big`;
  const worker = await spawnWeft('worker', { ...process.env, ...env, WEFT_TASK_QUEUE: queue, WEFT_LOG_LEVEL: 'info' }, 'Weft worker polling');
  const statusKiB = (field: 'VmRSS' | 'VmHWM') => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${worker.pid}/status`, 'utf8'))?.[1] ?? Number.NaN);
  const startKiB = statusKiB('VmRSS');
  let runPeakKiB = startKiB;
  // The worker's last words, if it dies: the run would otherwise wait for it forever.
  const stderr: string[] = [];
  worker.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const died = new Promise<never>((_, reject) => worker.once('exit', (code, signal) => reject(new Error(`the big run's worker exited (${signal ?? code}): ${stderr.join('').slice(-2000)}`))));
  died.catch(() => {});
  const sampler = setInterval(() => {
    if (worker.exitCode === null && worker.signalCode === null) runPeakKiB = Math.max(runPeakKiB, statusKiB('VmRSS'));
  }, 100);
  try {
    const run = await Promise.race([runBig(client, queue), died]);
    return { ...run, startRssMiB: startKiB / 1024, runPeakRssMiB: runPeakKiB / 1024, lifetimePeakRssMiB: statusKiB('VmHWM') / 1024 };
  } finally {
    clearInterval(sampler);
    await stopProcess(worker, 'SIGTERM');
  }
}

async function runBig(client: Client, taskQueue: string): Promise<Omit<BigRun, 'startRssMiB' | 'runPeakRssMiB' | 'lifetimePeakRssMiB'>> {
  const { nodes, outputs, total } = bigMix(BIG_GROUPS);
  const definition = { apiVersion: 'weft/v1', name: 'bench-big', defaults: BIG_DEFAULTS, limits: { maxParallel: 64 }, nodes, outputs } as unknown as Definition;
  const workflowId = `bench-big-${randomBytes(6).toString('hex')}`;
  const t0 = performance.now();
  const handle = await startWeftRun(client, definition, workflowId, taskQueue);
  const result = (await handle.result()) as RunWorkflowResult;
  const wallSeconds = (performance.now() - t0) / 1000;
  if (result.status !== 'succeeded' || (result.output as { total?: number }).total !== total) throw new Error(`the big run did not do its work: ${JSON.stringify(result).slice(0, 500)}`);
  const executions = await executionsOf(client, workflowId);
  return {
    nodes: nodes.length,
    wallSeconds,
    executions: executions.length,
    largestHistory: Math.max(...executions.map((e) => e.events)),
  };
}

async function measureShape(client: Client, shape: Shape, pids: Record<string, number>): Promise<Record<Variant, Measure>> {
  const start = (variant: Variant) => {
    const workflowId = `bench-${variant}-${randomBytes(6).toString('hex')}`;
    const handle =
      variant === 'weft'
        ? startWeftRun(client, shape.definition, workflowId)
        : client.workflow.start(shape.handwritten.type, { workflowId, taskQueue: HAND_TASK_QUEUE, args: shape.handwritten.args });
    return handle.then(async (h) => {
      await h.result();
      return h;
    });
  };
  // Warm both paths (bundle caches, connections, the JIT) before measuring.
  for (const variant of ['weft', 'hand'] as const) await start(variant);
  const times: Record<Variant, number[]> = { weft: [], hand: [] };
  for (let i = 0; i < RUNS; i++) {
    // Interleaved, so drift in the machine's load affects both sides alike.
    for (const variant of ['weft', 'hand'] as const) {
      const t0 = performance.now();
      await start(variant);
      times[variant].push(performance.now() - t0);
    }
  }
  const throughput = async (variant: Variant) => {
    let next = 0;
    const t0 = performance.now();
    const { cpu } = await cpuDuring(pids, () =>
      Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next++ < THROUGHPUT_RUNS) await start(variant);
        }),
      ),
    );
    const runsPerSecond = THROUGHPUT_RUNS / ((performance.now() - t0) / 1000);
    return { runsPerSecond, cpuPerRun: Object.fromEntries(Object.entries(cpu).map(([name, ms]) => [name, ms / THROUGHPUT_RUNS])) };
  };
  const eventsPerNode = async (variant: Variant) => {
    const handle = await start(variant);
    const history = await handle.fetchHistory();
    return (history.events?.length ?? 0) / shape.nodes;
  };
  const result = {} as Record<Variant, Measure>;
  for (const variant of ['weft', 'hand'] as const) {
    result[variant] = { medianMs: median(times[variant]), ...(await throughput(variant)), eventsPerNode: await eventsPerNode(variant) };
  }
  return result;
}

function renderReport(table: string, peakRss: number, temporal: string, big: BigRun | Error | null): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return `## The interpreter against hand-written workflows${SERVER === 'dev' ? '' : ', production server'}

Weft's interpreter against the same DAG shapes written by hand as plain Temporal
workflows. Both call the same no-op activity (Weft's \`runAgent\` with the offline
provider: no delay, one idempotent attempt record in PostgreSQL), on the same
Temporal server and database,
by two workers in one process, each with its own workflow bundle (Weft's
interpreter; the hand-written workflows alone); runs of the two are interleaved
so load drift affects both alike. The \`execution: local\` chain runs its nodes as local activities and
is compared with a hand-written workflow of 10 local activities. Weft's extra
work per run: its \`finishRun\` local activity (the run's outcome and the records
of in-workflow nodes), one search-attribute upsert, and template evaluation in
the workflow. Runs start with \`client.workflow.start\` from the bench process:
the API's start path is not in these figures.

Command: \`${SERVER === 'dev' ? '' : 'WEFT_TEMPORAL_SERVER=… WEFT_TEMPORAL_SQL_TOOL=… '}npm run bench -- --server ${SERVER}${values.only ? ` --only '${values.only}'` : ''} --repeats ${REPEATS} --runs ${RUNS} --concurrency ${CONCURRENCY} --throughput-runs ${THROUGHPUT_RUNS} --big-nodes ${BIG_GROUPS * 100}\`
Machine: ${cpus().length} × ${cpu}, ${(totalmem() / 1024 ** 3).toFixed(0)} GiB, Node ${process.version}; ${temporal}; PostgreSQL ${SERVER === 'dev' ? '(throwaway cluster)' : '(the cluster\'s)'}; load average ${loadavg()[0]!.toFixed(1)} at the end (the machine is shared: only ratios measured in the same repeat mean much).
Date: ${new Date().toISOString().slice(0, 10)}. Each figure: the median of ${REPEATS} repeats, with their range; ratios are Weft ÷ hand-written within each repeat.

${table}

- *p50 ms*: median wall time of ${RUNS} runs one at a time, from start to result.
- *runs/s*: ${THROUGHPUT_RUNS} runs with ${CONCURRENCY} in flight; the ratio is Weft ÷ hand-written (≥ 0.90 means Weft's time per run is at most 1.11×).
- *CPU ms/run*: user + system time from \`/proc/<pid>/stat\` while the runs/s figure was measured, ÷ runs, for the bench process (worker and client) and the Temporal server; PostgreSQL's backends are not counted.
- *events/node*: history events of one run ÷ nodes.
- Peak RSS of the bench process (worker, client and bundles): ${(peakRss / 1024 / 1024).toFixed(0)} MiB.
${big instanceof Error ? `\n## One run of ${BIG_GROUPS * 100} nodes${SERVER === 'dev' ? '' : ', production server'}\n\nFailed in this run: ${big.message.split('\n')[0]}\n` : big ? renderBig(big) : ''}`;
}

function renderBig(big: BigRun): string {
  return `
## One run of ${big.nodes.toLocaleString('en')} nodes${SERVER === 'dev' ? '' : ', production server'}

The mix of \`test/support/big-dags.ts\`: ${BIG_GROUPS} groups, each a chain of 50
agents fanning out to 49 more and joined by a transform, summed by the run output;
\`maxParallel\` 64. The run continues as new when Temporal suggests it (about
4,100 events on the dev server) or at \`WEFT_SEGMENT_EVENTS\` (5,000), storing
its records in \`run_nodes\` as it goes.

| nodes | wall time | executions | largest history (events) | worker's peak RSS during the run | worker's VmHWM (start-up included) |
| ---: | ---: | ---: | ---: | ---: | ---: |
| ${big.nodes} | ${big.wallSeconds.toFixed(1)} s | ${big.executions} | ${big.largestHistory} | ${big.runPeakRssMiB.toFixed(0)} MiB | ${big.lifetimePeakRssMiB.toFixed(0)} MiB |

Temporal warns at 10,240 events per execution. The run has a \`weft worker\`
process of its own (own task queue, started from source with tsx); its RSS is
sampled every 100 ms while the run runs. Its high-water mark also counts
start-up, where the worker bundles the workflow code with webpack.
`;
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
