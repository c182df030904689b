/**
 * `npm run bench:peers [-- --server dev|production --repeats 3 --runs 7 --concurrency 8 --throughput-runs 24 --blocks 4 --only '10-step' --phases]`:
 * Weft as a user runs it against the same DAG shapes written by hand as plain
 * Temporal workflows, every side in processes of its own (issue 20, items 1
 * and 2). A Weft run is started with `POST /runs?wait=` on `weft api` and run
 * by `weft worker`; the hand-written workflow is started and awaited with the
 * SDK's client and run by bench/hand-worker.ts, a worker with the same
 * activities. Both call the same no-op activity on the same Temporal server and
 * database; runs of the two alternate, and so do their throughput blocks, so
 * load drift affects both alike.
 * Reports, per shape, p50 wall time, runs/s at a fixed concurrency, CPU per
 * run and the ratios, and each worker's memory: its peak resident set while
 * the runs ran and its high-water mark since it started. Writes its section of
 * docs/benchmarks.md. With `--phases`, also prints where the single runs' time
 * went on each side (see `runPhases`), a diagnostic the docs' tables leave out.
 */
import { randomBytes } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import { freePort } from '../test/support/ports.js';
import { ROOT, spawnTsx, spawnWeft, stopProcess } from '../test/support/processes.js';
import { startBackend } from './backend.js';
import { cpuDuring, postgresCpuMs, type CpuSource } from './cpu.js';
import { interpreterTable, type Measure, type ShapeResult, type Variant } from './interpreter-report.js';
import { median, spread, writeSection } from './report.js';
import { phasesTable, runPhases, type RunPhases } from './run-phases.js';
import { shapes, type Shape } from './shapes.js';
import { HAND_TASK_QUEUE, quiet } from './workers.js';

const { values } = parseArgs({
  options: {
    repeats: { type: 'string', default: '3' },
    server: { type: 'string', default: 'dev' },
    only: { type: 'string', default: '' },
    runs: { type: 'string', default: '7' },
    concurrency: { type: 'string', default: '8' },
    'throughput-runs': { type: 'string', default: '24' },
    /** Throughput blocks per side and repeat, in alternating order. */
    blocks: { type: 'string', default: '4' },
    out: { type: 'string', default: 'docs/benchmarks.md' },
    /** A directory for CPU profiles of both workers (every thread's) and \`weft api\`, written when they stop. */
    profile: { type: 'string' },
    /** Print each shape's phases of its single runs, from their histories. */
    phases: { type: 'boolean', default: false },
  },
});
const REPEATS = Number(values.repeats);
const SERVER = values.server === 'production' ? 'production' : 'dev';
const RUNS = Number(values.runs);
const CONCURRENCY = Number(values.concurrency);
const THROUGHPUT_RUNS = Number(values['throughput-runs']);
const BLOCKS = Number(values.blocks);
const KEY = `bench-peers-${randomBytes(12).toString('hex')}`;

/** Where a run's CPU is spent: the bench's client side, Weft's API, the worker of the side measured, the Temporal server, PostgreSQL's processes. */
type CpuSources = Record<'client' | 'api' | 'worker' | 'server' | 'database', CpuSource>;

/** A worker's resident set in MiB, now (`VmRSS`) or its high-water mark (`VmHWM`). */
function rssMiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const kib = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kib) / 1024;
}

/** Each worker's peak resident set while `work` runs, sampled every 100 ms. */
async function peakRssDuring<T>(pids: Record<Variant, number>, work: () => Promise<T>): Promise<{ result: T; peak: Record<Variant, number> }> {
  const peak = { weft: rssMiB(pids.weft, 'VmRSS'), hand: rssMiB(pids.hand, 'VmRSS') };
  const sampler = setInterval(() => {
    peak.weft = Math.max(peak.weft, rssMiB(pids.weft, 'VmRSS'));
    peak.hand = Math.max(peak.hand, rssMiB(pids.hand, 'VmRSS'));
  }, 100);
  try {
    return { result: await work(), peak };
  } finally {
    clearInterval(sampler);
  }
}

interface Memory {
  /** Peak resident set while each repeat's runs ran. */
  load: Record<Variant, number>[];
  /** VmHWM at the end: start-up included. */
  lifetime: Record<Variant, number>;
}

async function main(): Promise<void> {
  const backend = await startBackend(SERVER);
  const scratch = mkdtempSync(join(tmpdir(), 'weft-bench-peers-'));
  const processes: ChildProcess[] = [];
  try {
    // The hand-written workflows' bundle, built here once as a production build step would (Temporal's advice for production workers).
    const handBundle = join(scratch, 'hand-bundle.js');
    writeFileSync(handBundle, (await bundleWorkflowCode({ workflowsPath: join(ROOT, 'bench/workflows/index.ts'), logger: quiet })).code);
    const port = await freePort();
    const env = {
      ...process.env,
      DATABASE_URL: backend.databaseUrl,
      TEMPORAL_ADDRESS: backend.temporalAddress,
      WEFT_TASK_QUEUE: `bench-peers-${randomBytes(4).toString('hex')}`,
      WEFT_PORT: String(port),
      WEFT_BOOTSTRAP_ADMIN_KEY: KEY,
      WEFT_LOG_LEVEL: 'warn',
      WEFT_RATE_LIMIT: '1000000',
      WEFT_DATA_DIR: scratch,
    };
    const profile = values.profile ? ['--cpu-prof', `--cpu-prof-dir=${values.profile}`] : [];
    const weftWorker = await spawnWeft('worker', { ...env, WEFT_LOG_LEVEL: 'info', WEFT_METRICS_PORT: String(await freePort()) }, 'Weft worker polling', profile);
    processes.push(weftWorker);
    const api = await spawnWeft('api', { ...env, WEFT_LOG_LEVEL: 'info', WEFT_METRICS_PORT: String(await freePort()) }, 'Weft API listening', profile);
    processes.push(api);
    const handWorker = await spawnTsx('the hand-written worker', ['bench/hand-worker.ts'], { ...env, HAND_BUNDLE: handBundle }, 'hand worker polling', profile);
    processes.push(handWorker);
    const url = `http://127.0.0.1:${port}/api/v1`;
    const connection = await Connection.connect({ address: backend.temporalAddress });
    const client = new Client({ connection });
    const selected = shapes().filter((s) => s.name.includes(values.only!));
    for (const shape of selected) await call(url, 'POST', '/workflows', shape.definition, [200, 201]);
    const sides: Record<Variant, CpuSources> = {
      weft: { client: process.pid, api: api.pid!, worker: weftWorker.pid!, server: backend.serverPid, database: postgresCpuMs },
      hand: { client: process.pid, api: api.pid!, worker: handWorker.pid!, server: backend.serverPid, database: postgresCpuMs },
    };
    const results: ShapeResult[] = selected.map((shape) => ({ shape, repeats: [] }));
    const load: Memory['load'] = [];
    for (let repeat = 0; repeat < REPEATS; repeat++) {
      const { peak } = await peakRssDuring({ weft: weftWorker.pid!, hand: handWorker.pid! }, async () => {
        for (const result of results) {
          result.repeats.push(await measureShape(url, client, result.shape, sides));
          process.stdout.write(`repeat ${repeat + 1}: ${result.shape.name}: ${JSON.stringify(result.repeats.at(-1))}\n`);
        }
      });
      load.push(peak);
    }
    const memory: Memory = { load, lifetime: { weft: rssMiB(weftWorker.pid!, 'VmHWM'), hand: rssMiB(handWorker.pid!, 'VmHWM') } };
    await connection.close();
    const table = interpreterTable(results, ['client', 'api', 'worker', 'server', 'database']);
    writeSection(values.out!, SERVER === 'dev' ? 'peers' : 'peers-production', render(table, memory, backend.describe));
    process.stdout.write(`\n${table}\n\nworkers' memory: ${JSON.stringify(memory)}\nwritten to ${values.out}\n`);
  } finally {
    for (const p of processes.reverse()) await stopProcess(p, 'SIGTERM');
    await backend.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function call(url: string, method: string, path: string, body: unknown, ok: number[]): Promise<unknown> {
  const res = await fetch(`${url}${path}`, { method, headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const answer = (await res.json()) as unknown;
  if (!ok.includes(res.status)) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(answer).slice(0, 500)}`);
  return answer;
}

/** A single run of the p50 phase: its workflow id and when, by the clock its history uses, it was requested and answered. */
interface Single {
  id: string;
  requestedAt: number;
  answeredAt: number;
}

/** One run of `shape` on `variant`'s side, from its start to its end as its user learns it; resolves with the workflow id. */
async function runOnce(url: string, client: Client, shape: Shape, variant: Variant): Promise<string> {
  if (variant === 'weft') {
    const run = (await call(url, 'POST', '/runs?wait=60s', { workflow: shape.definition.name, input: {} }, [200])) as { id: string; status: string };
    if (run.status !== 'succeeded') throw new Error(`the Weft run did not succeed: ${JSON.stringify(run).slice(0, 500)}`);
    return run.id;
  }
  const workflowId = `bench-hand-${randomBytes(6).toString('hex')}`;
  await client.workflow.execute(shape.handwritten.type, { workflowId, taskQueue: HAND_TASK_QUEUE, args: shape.handwritten.args });
  return workflowId;
}

async function measureShape(url: string, client: Client, shape: Shape, sides: Record<Variant, CpuSources>): Promise<Record<Variant, Measure>> {
  const variants = ['weft', 'hand'] as const;
  // Warm both sides (connections, the workflow caches, the JIT) before measuring.
  for (const variant of variants) await runOnce(url, client, shape, variant);
  const times: Record<Variant, number[]> = { weft: [], hand: [] };
  const singles: Record<Variant, Single[]> = { weft: [], hand: [] };
  for (let i = 0; i < RUNS; i++) {
    for (const variant of variants) {
      const requestedAt = Date.now();
      const t0 = performance.now();
      const id = await runOnce(url, client, shape, variant);
      times[variant].push(performance.now() - t0);
      singles[variant].push({ id, requestedAt, answeredAt: Date.now() });
    }
  }
  if (values.phases) process.stdout.write(`\n${await phasesOf(client, shape, singles)}\n\n`);
  // Throughput in blocks whose order alternates (weft, hand, hand, weft, …), so drift in the machine's speed during a repeat falls on both sides alike.
  const spent: Record<Variant, { ms: number; runs: number; cpu: Record<string, number> }> = { weft: { ms: 0, runs: 0, cpu: {} }, hand: { ms: 0, runs: 0, cpu: {} } };
  for (let block = 0; block < BLOCKS; block++) {
    for (const variant of block % 2 === 0 ? variants : [...variants].reverse()) {
      let next = 0;
      const t0 = performance.now();
      const { cpu } = await cpuDuring(sides[variant], () =>
        Promise.all(
          Array.from({ length: CONCURRENCY }, async () => {
            while (next++ < THROUGHPUT_RUNS) await runOnce(url, client, shape, variant);
          }),
        ),
      );
      const side = spent[variant];
      side.ms += performance.now() - t0;
      side.runs += THROUGHPUT_RUNS;
      for (const [name, ms] of Object.entries(cpu)) side.cpu[name] = (side.cpu[name] ?? 0) + ms;
    }
  }
  const result = {} as Record<Variant, Measure>;
  for (const variant of variants) {
    const { ms, runs, cpu } = spent[variant];
    // The hand-written side has no API: the API process's idle CPU is not the baseline's.
    if (variant === 'hand') cpu.api = 0;
    // A Weft run's answer may come before its last workflow task completes (the run's row is written in it): its history is read once the workflow has closed.
    const handle = client.workflow.getHandle(await runOnce(url, client, shape, variant));
    await handle.result();
    const history = await handle.fetchHistory();
    result[variant] = {
      medianMs: median(times[variant]),
      runsPerSecond: runs / (ms / 1000),
      cpuPerRun: Object.fromEntries(Object.entries(cpu).map(([name, total]) => [name, total / runs])),
      eventsPerNode: (history.events?.length ?? 0) / shape.nodes,
    };
  }
  return result;
}

/** The single runs' phases, read from their histories once each workflow has closed. */
async function phasesOf(client: Client, shape: Shape, singles: Record<Variant, Single[]>): Promise<string> {
  const runs: Record<Variant, RunPhases[]> = { weft: [], hand: [] };
  for (const variant of ['weft', 'hand'] as const) {
    for (const { id, requestedAt, answeredAt } of singles[variant]) {
      const handle = client.workflow.getHandle(id);
      await handle.result();
      runs[variant].push(runPhases((await handle.fetchHistory()).events ?? [], requestedAt, answeredAt));
    }
  }
  return phasesTable(shape.name, runs);
}

function render(table: string, memory: Memory, temporal: string): string {
  const loadRatios = memory.load.map((m) => m.weft / m.hand);
  return `## Weft as a user runs it against hand-written workflows${SERVER === 'dev' ? '' : ', production server'}

Issue 20's measure: a Weft run started with \`POST /runs?wait=60s\` on \`weft api\`
and run by \`weft worker\`, against the same DAG written by hand as a plain
Temporal workflow, started and awaited with the SDK's client
(\`client.workflow.execute\`) and run by a worker process of its own
(\`bench/hand-worker.ts\`: the hand-written workflows' prebuilt bundle, Weft's
activities). Each side's processes are its own; both call the same no-op
activity (Weft's \`runAgent\` with the offline provider: one idempotent attempt
record in PostgreSQL) on the same Temporal server and database; runs of the two
alternate, so load drift affects both alike. Weft's runs are of stored
workflows (\`{"workflow": name}\`), as a user's would be.

Command: \`${SERVER === 'dev' ? '' : 'WEFT_TEMPORAL_SERVER=… WEFT_TEMPORAL_SQL_TOOL=… '}npm run bench:peers -- --server ${SERVER}${values.only ? ` --only '${values.only}'` : ''} --repeats ${REPEATS} --runs ${RUNS} --concurrency ${CONCURRENCY} --throughput-runs ${THROUGHPUT_RUNS} --blocks ${BLOCKS}\`
Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 1024 ** 3).toFixed(0)} GiB, Node ${process.version}; ${temporal}; load average ${loadavg()[0]!.toFixed(1)} at the end.
Date: ${new Date().toISOString().slice(0, 10)}. Each figure: the median of ${REPEATS} repeats, with their range; ratios are Weft ÷ hand-written within each repeat.

${table}

- *p50 ms*: median wall time of ${RUNS} runs one at a time, from the request (or \`execute\`) to the answer with the ended run.
- *runs/s*: blocks of ${THROUGHPUT_RUNS} runs with ${CONCURRENCY} in flight, ${BLOCKS} per side and repeat, the sides' blocks in alternating order (Weft, hand-written, hand-written, Weft, …) so the machine's drift within a repeat falls on both alike; runs ÷ the time of that side's blocks.
- *CPU ms/run*: user + system time from \`/proc/<pid>/stat\` during that side's blocks, ÷ runs: the bench process (the client side: HTTP for Weft, the SDK's client for the baseline), \`weft api\` (Weft only), the side's worker, the Temporal server, and every PostgreSQL process (the database's backends serving that side's statements${SERVER === 'dev' ? '' : ', and the Temporal server\'s persistence, on the same cluster'}; the side not running is idle).

| worker's memory | \`weft worker\` | hand-written worker | **ratio** | target |
| --- | ---: | ---: | ---: | --- |
| peak resident set while a repeat's runs ran (VmRSS every 100 ms), median of ${REPEATS} repeats | ${spread(memory.load.map((m) => m.weft), 0)} MiB | ${spread(memory.load.map((m) => m.hand), 0)} MiB | **${spread(loadRatios, 2)} ${median(loadRatios) <= 1.3 ? '(met)' : '(not met)'}** | ≤ 1.3 |
| high-water mark since start (VmHWM, start-up included), at the end | ${memory.lifetime.weft.toFixed(0)} MiB | ${memory.lifetime.hand.toFixed(0)} MiB | **${(memory.lifetime.weft / memory.lifetime.hand).toFixed(2)}** | |
`;
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
