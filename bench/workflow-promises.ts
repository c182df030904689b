/**
 * `npx tsx bench/workflow-promises.ts [--runs 5] [--only 10-step]`: how many
 * promises one run's workflow code creates, Weft's interpreter against the
 * hand-written workflows, for the shapes of `npm run bench`. The Temporal SDK
 * captures a source-mapped stack trace for every promise created in workflow
 * code (its promise hook), so this count is a cost of every run. Both workers
 * run in debug mode (workflows on this thread), so a promise hook here sees
 * them; a promise made by workflow code is one whose constructor is not this
 * context's `Promise` (every workflow runs in a vm context of its own). Stub
 * activities (no database), the CLI's dev server with Weft's search attributes;
 * one run at a time, so every workflow promise counted belongs to that run.
 */
import { promiseHooks } from 'node:v8';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, type BundleOptions, NativeConnection, Worker } from '@temporalio/worker';
import type { AgentActivityInput, WeftActivities } from '../src/activities/contract.js';
import { findTemporalCli, startTemporalDevServer } from '../src/runtime/temporal-dev-server.js';
import { installTemporalRuntime } from '../src/runtime/temporal-runtime.js';
import { workflowBundleOptions } from '../src/worker/bundle-options.js';
import { freePort } from '../test/support/ports.js';
import { median } from './report.js';
import { shapes } from './shapes.js';
import { HAND_TASK_QUEUE, startWeftRun, TASK_QUEUE } from './workers.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, only: { type: 'string', default: '' } } });
const RUNS = Number(values.runs);

let counted = 0;
promiseHooks.onInit((promise) => {
  if (promise.constructor !== Promise) counted += 1;
});

/** The activities the interpreter and the baseline call, answering at once. */
function stubActivities(): WeftActivities {
  const none = async () => {
    throw new Error('not expected in this benchmark');
  };
  return {
    async runAgent(input: AgentActivityInput) {
      const text = input.config.prompt;
      return { output: { text, usage: { inputTokens: 1, outputTokens: 1 }, costUsd: 0, provider: 'offline', model: 'offline', cached: false, fallback: input.fallback }, attempt: 1 };
    },
    runHttp: none,
    runExec: none,
    runPlugin: none,
    agentTurn: none,
    listMcpTools: none,
    callMcpTool: none,
    deliverHooks: async () => {},
    saveNodes: async () => {},
    loadOutputs: async () => ({}),
    finishRun: async () => {},
    loadWorkflow: none,
    prepareScheduledRun: none,
  } as WeftActivities;
}

/** Runs `start` RUNS times one at a time: the median count of workflow promises per run. */
async function promisesPerRun(start: (id: string) => Promise<unknown>): Promise<number> {
  const counts: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    counted = 0;
    await start(`promises-${Date.now()}-${i}`);
    counts.push(counted);
  }
  return median(counts);
}

async function main(): Promise<void> {
  installTemporalRuntime('error');
  const server = await startTemporalDevServer({ binary: findTemporalCli(process.env.TEMPORAL_CLI), port: await freePort(), headless: true });
  const native = await NativeConnection.connect({ address: server.address });
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} };
  const workerFor = async (bundle: Pick<BundleOptions, 'workflowsPath' | 'preloadModules'>, taskQueue: string) =>
    Worker.create({
      connection: native,
      taskQueue,
      debugMode: true,
      workflowBundle: await bundleWorkflowCode({ ...bundle, logger: quiet }),
      activities: stubActivities(),
      // Weft's run events go nowhere here: a sink call makes no promise in workflow code.
      sinks: { runEvents: { append: { fn: () => {} } } },
    });
  const weft = await workerFor(workflowBundleOptions(), TASK_QUEUE);
  const hand = await workerFor({ workflowsPath: new URL('./workflows/index.ts', import.meta.url).pathname }, HAND_TASK_QUEUE);
  try {
    await weft.runUntil(() =>
      hand.runUntil(async () => {
        console.log('| shape | promises/run Weft | promises/run hand-written | Weft per node |');
        console.log('| --- | ---: | ---: | ---: |');
        for (const shape of shapes().filter((s) => s.name.includes(values.only!))) {
          const w = await promisesPerRun((id) => startWeftRun(client, shape.definition, id).then((h) => h.result()));
          const h = await promisesPerRun((id) => client.workflow.execute(shape.handwritten.type, { workflowId: id, taskQueue: HAND_TASK_QUEUE, args: shape.handwritten.args }));
          console.log(`| ${shape.name} | ${w} | ${h} | ${(w / shape.nodes).toFixed(1)} |`);
        }
      }),
    );
  } finally {
    await connection.close();
    await native.close();
    await server.stop();
  }
}

await main();
