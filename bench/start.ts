/**
 * `npm run bench:start [-- --repeats 3 --runs 40]`: start and wait in one
 * trip, `POST /runs?wait=` answered with the ended run, through the wiring of
 * `weft dev` (src/runtime/services.ts): a worker and an API in one process on
 * one Temporal connection, so runs start eagerly, against a second API in the
 * same process on a connection of its own, which starts them the ordinary way
 * (as `weft api` beside `weft worker` does), and the SDK's client alone,
 * starting the same workflow without the API. All on the dev server as `weft
 * dev` starts it, the same worker, the same task queue, requests interleaved.
 * Writes its section of docs/benchmarks.md.
 */
import { randomBytes } from 'node:crypto';
import { cpus, loadavg, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { loadConfig } from '../src/config.js';
import type { Definition } from '../src/dag/schema.js';
import { createLogger } from '../src/logger.js';
import { openServices, startApi, startWorker } from '../src/runtime/services.js';
import { installTemporalRuntime } from '../src/runtime/temporal-runtime.js';
import { RUN_WORKFLOW_TYPE, type RunWorkflowResult } from '../src/workflows/messages.js';
import { WEFT_STATUS, WEFT_WORKFLOW } from '../src/workflows/search-attributes.js';
import { freePort } from '../test/support/ports.js';
import { startBackend } from './backend.js';
import { median, percentile, writeSection } from './report.js';

const { values } = parseArgs({
  options: {
    repeats: { type: 'string', default: '3' },
    runs: { type: 'string', default: '40' },
    out: { type: 'string', default: 'docs/benchmarks.md' },
  },
});
const REPEATS = Number(values.repeats);
const RUNS = Number(values.runs);
const KEY = `wk_bench_${randomBytes(8).toString('hex')}`;

/** The workflows started: one transform (the start is most of the run) and a 10-step chain of them. */
const SHAPES = {
  'one transform node': [{ id: 'n1', type: 'transform', output: '{{ input.n + 1 }}' }],
  '10-step chain of transform nodes': Array.from({ length: 10 }, (_, i) => ({
    id: `n${i + 1}`,
    type: 'transform',
    ...(i === 0 ? { output: '{{ input.n + 1 }}' } : { needs: [`n${i}`], output: `{{ nodes.n${i}.output + 1 }}` }),
  })),
};
type Shape = keyof typeof SHAPES;
type Path = 'eager' | 'ordinary' | 'client';
const PATHS = ['eager', 'ordinary', 'client'] as const;

async function main(): Promise<void> {
  installTemporalRuntime('error');
  const backend = await startBackend('dev');
  const logger = createLogger('warn');
  const stops: (() => Promise<void>)[] = [backend.stop];
  try {
    const base = { DATABASE_URL: backend.databaseUrl, WEFT_TASK_QUEUE: `bench-start-${randomBytes(4).toString('hex')}`, WEFT_HOST: '127.0.0.1', WEFT_RATE_LIMIT: '100000' };
    const config = loadConfig({ ...base, WEFT_PORT: String(await freePort()) });
    const services = await openServices(config);
    stops.push(() => services.database.close());
    await services.repos.apiKeys.ensure(KEY, 'bench', 'admin');
    const address = backend.temporalAddress;
    const connection = await NativeConnection.connect({ address });
    stops.push(() => connection.close());
    const worker = await startWorker({ config, services, logger, address, connection });
    stops.push(worker.stop);
    const eager = await startApi({ config, services, logger, address, worker: connection });
    stops.push(eager.stop);
    const ordinary = await startApi({ config: loadConfig({ ...base, WEFT_PORT: String(await freePort()) }), services, logger, address });
    stops.push(ordinary.stop);
    const connectionOfItsOwn = await Connection.connect({ address });
    stops.push(() => connectionOfItsOwn.close());
    const client = new Client({ connection: connectionOfItsOwn });
    const paths: Record<Path, (shape: Shape) => Promise<number>> = {
      eager: (shape) => runAndWait(eager.url, shape),
      ordinary: (shape) => runAndWait(ordinary.url, shape),
      client: (shape) => startAndAwait(client, config.WEFT_TASK_QUEUE, shape),
    };

    const repeats: Record<Shape, Record<Path, number>>[] = [];
    for (let r = 0; r < REPEATS; r++) {
      const repeat = {} as Record<Shape, Record<Path, number>>;
      for (const shape of Object.keys(SHAPES) as Shape[]) {
        // Warm both paths (connections, the workflow cache, the JIT) before measuring.
        for (const path of PATHS) for (let i = 0; i < 3; i++) await paths[path](shape);
        const times: Record<Path, number[]> = { eager: [], ordinary: [], client: [] };
        for (let i = 0; i < RUNS; i++) {
          // Interleaved, so drift in the machine's load affects every path alike.
          for (const path of PATHS) times[path].push(await paths[path](shape));
        }
        repeat[shape] = { eager: median(times.eager), ordinary: median(times.ordinary), client: median(times.client) };
      }
      process.stdout.write(`${JSON.stringify(repeat)}\n`);
      repeats.push(repeat);
    }
    writeSection(values.out!, 'start', render(repeats, backend.describe));
    process.stdout.write(`written to ${values.out}\n`);
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => {});
  }
}

/** One `POST /runs?wait=30s`, timed to the answer; fails unless the run ended and succeeded. */
async function runAndWait(url: string, shape: Shape): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(`${url}/api/v1/runs?wait=30s`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ definition: { apiVersion: 'weft/v1', name: 'bench-start', nodes: SHAPES[shape] }, input: { n: 1 } }),
  });
  const run = (await res.json()) as { status?: string };
  const ms = performance.now() - t0;
  if (res.status !== 200 || run.status !== 'succeeded') throw new Error(`POST /runs?wait=: ${res.status} ${JSON.stringify(run).slice(0, 300)}`);
  return ms;
}

/** The same run started with the SDK's client alone (no API: no run row, no start event, no `?wait=`), awaited on its result. */
async function startAndAwait(client: Client, taskQueue: string, shape: Shape): Promise<number> {
  const t0 = performance.now();
  const definition = { apiVersion: 'weft/v1', name: 'bench-start', nodes: SHAPES[shape] } as unknown as Definition;
  const handle = await client.workflow.start(RUN_WORKFLOW_TYPE, {
    workflowId: `bench-start-${randomBytes(6).toString('hex')}`,
    taskQueue,
    args: [{ definition, input: { n: 1 }, workflow: definition.name, version: null }],
    typedSearchAttributes: [
      { key: WEFT_WORKFLOW, value: definition.name },
      { key: WEFT_STATUS, value: 'running' },
    ],
  });
  const result = (await handle.result()) as RunWorkflowResult;
  if (result.status !== 'succeeded') throw new Error(`the run did not succeed: ${JSON.stringify(result).slice(0, 300)}`);
  return performance.now() - t0;
}

function render(repeats: Record<Shape, Record<Path, number>>[], temporal: string): string {
  const stat = (pick: (r: Record<Shape, Record<Path, number>>) => number, digits = 0) => {
    const xs = repeats.map(pick).sort((a, b) => a - b);
    return `${percentile(xs, 50).toFixed(digits)} (${xs[0]!.toFixed(digits)}–${xs.at(-1)!.toFixed(digits)})`;
  };
  const rows = (Object.keys(SHAPES) as Shape[]).map(
    (shape) =>
      `| ${shape} | ${stat((r) => r[shape].eager)} ms | ${stat((r) => r[shape].ordinary)} ms | ${stat((r) => r[shape].client)} ms | **${stat((r) => r[shape].eager / r[shape].ordinary, 2)}** | **${stat((r) => r[shape].ordinary / r[shape].client, 2)}** |`,
  );
  return `## Start and wait in one trip (\`POST /runs?wait=\`)

Command: \`npm run bench:start -- --repeats ${REPEATS} --runs ${RUNS}\`
Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 1024 ** 3).toFixed(0)} GiB, Node ${process.version}; ${temporal}; a throwaway PostgreSQL; load average ${loadavg()[0]!.toFixed(1)} at the end.
Date: ${new Date().toISOString().slice(0, 10)}. Each figure: the median of ${REPEATS} repeats (each the median of ${RUNS} runs one at a time), with their range.

One worker and two APIs in one process, as \`src/runtime/services.ts\` wires them: the API of \`weft dev\` shares the worker's connection and asks Temporal to start each run eagerly (its first workflow task comes back in the start's answer and goes straight to the worker); the other has a connection of its own, as \`weft api\` does, and the run's first task waits for the worker's poll. A third path starts the same workflow with the SDK's client alone and awaits its result: what the API's start path (validation, the run's row and start event, \`?wait=\`) adds to Temporal's own round trips is the last column. The runs alternate between the three. \`?wait=\` answers on the run's end without polling: the API wakes on the database's notification that the run's events were stored (LISTEN/NOTIFY on PostgreSQL, in-process on PGlite), reads the run's row again, and answers once it has ended.

| workflow | API, eager start (\`weft dev\`) | API, ordinary start | SDK client alone | **eager ÷ ordinary** | **API ÷ client alone** |
| --- | ---: | ---: | ---: | ---: | ---: |
${rows.join('\n')}
`;
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
