/**
 * `npm run bench:agents [-- --repeats 3 --runs 7 --turns 20 --big-turns 100 --big-bytes 20480 --server dev]`:
 * Weft's agent loop (weft-agents 3) against the same loop written by hand as
 * a plain Temporal workflow (bench/workflows/hand-agent-loop.ts), both calling
 * the same `agentTurn` (offline provider, conversation in PostgreSQL) and
 * `runHttp` activities on the same server, against a local tool server.
 * Reports (a) time per run of a `--turns` loop whose every turn but the last
 * calls a no-op http tool, Weft ÷ hand-written; (b) history events and bytes
 * per turn; (c) the largest history of a `--big-turns` loop whose tool answers
 * `--big-bytes` each. Each figure is the median and range of the repeats;
 * writes its section of docs/benchmarks.md.
 */
import { randomBytes } from 'node:crypto';
import { cpus, loadavg, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { ToolServer } from '../src/conformance/tool-server.js';
import { AGENT_LOOP_LIMITS } from '../src/dag/agent-limits.js';
import type { Definition } from '../src/dag/schema.js';
import { installTemporalRuntime } from '../src/runtime/temporal-runtime.js';
import type { RunWorkflowResult } from '../src/workflows/messages.js';
import { executionsOf } from '../test/support/executions.js';
import type { HandAgentLoopInput } from './workflows/hand-agent-loop.js';
import { startBackend } from './backend.js';
import { median, writeSection } from './report.js';
import { HAND_TASK_QUEUE, startBenchWorkers, startWeftRun } from './workers.js';

const { values } = parseArgs({
  options: {
    repeats: { type: 'string', default: '3' },
    /** `dev` (the CLI's dev server) or `production` (Temporal server on PostgreSQL, deploy/local-cluster.sh). */
    server: { type: 'string', default: 'dev' },
    /** Runs of each side per repeat, one at a time, interleaved. */
    runs: { type: 'string', default: '7' },
    turns: { type: 'string', default: '20' },
    'big-turns': { type: 'string', default: '100' },
    'big-bytes': { type: 'string', default: '20480' },
    out: { type: 'string', default: 'docs/benchmarks.md' },
  },
});
const REPEATS = Number(values.repeats);
const SERVER = values.server === 'production' ? 'production' : 'dev';
const RUNS = Number(values.runs);
const TURNS = Number(values.turns);
const BIG_TURNS = Number(values['big-turns']);
const BIG_BYTES = Number(values['big-bytes']);

type Side = 'weft' | 'hand';

/** The size of one run's history (all its executions), and of the largest. */
interface HistorySize {
  events: number;
  bytes: number;
  executions: number;
  largestEvents: number;
  largestBytes: number;
}

interface Repeat {
  /** Median wall time of a run, ms. */
  ms: Record<Side, number>;
  small: Record<Side, HistorySize>;
  big: Record<Side, HistorySize & { seconds: number }>;
}

/** A loop of `turns` turns whose every turn but the last calls the `noop` http tool once; the tool's URL path is `path`. */
function loop(toolUrl: string, path: string, turns: number): { definition: Definition; hand: HandAgentLoopInput } {
  const request = { method: 'GET', url: `${toolUrl}${path}` };
  const tool = { description: 'Does nothing', parameters: { type: 'object', properties: {} } };
  const agent = {
    provider: 'offline',
    prompt: 'work',
    tools: ['noop'],
    maxTurns: turns,
    maxToolCalls: turns,
    mock: { script: [...Array.from({ length: turns - 1 }, () => ({ toolCalls: [{ tool: 'noop', args: {} }] })), { text: 'done' }] },
  };
  const definition = {
    apiVersion: 'weft/v1',
    name: 'bench-agent-loop',
    tools: { noop: { ...tool, http: request } },
    nodes: [{ id: 'loop', type: 'agent', agent }],
    outputs: { turns: '{{ nodes.loop.output.turns }}' },
  } as unknown as Definition;
  return { definition, hand: { config: agent as HandAgentLoopInput['config'], tools: [{ name: 'noop', ...tool }], request } };
}

async function main(): Promise<void> {
  installTemporalRuntime('error');
  const backend = await startBackend(SERVER);
  const tools = new ToolServer();
  const toolUrl = `http://127.0.0.1:${await tools.start()}`;
  try {
    const workers = await startBenchWorkers(backend, { WEFT_HTTP_ALLOW_HOSTS: '127.0.0.1' });
    const small = loop(toolUrl, '/echo', TURNS);
    const big = loop(toolUrl, `/bytes/${BIG_BYTES}`, BIG_TURNS);
    const repeats: Repeat[] = [];
    await workers.runWhile(async () => {
      const run = runner(workers.client);
      // Warm both paths (bundle caches, connections, the JIT) before measuring.
      await run('weft', small, TURNS);
      await run('hand', small, TURNS);
      for (let repeat = 0; repeat < REPEATS; repeat++) {
        const times: Record<Side, number[]> = { weft: [], hand: [] };
        const last = {} as Record<Side, WorkflowHandle>;
        for (let i = 0; i < RUNS; i++) {
          // Interleaved, so drift in the machine's load affects both sides alike.
          for (const side of ['weft', 'hand'] as const) {
            const { ms, handle } = await run(side, small, TURNS);
            times[side].push(ms);
            last[side] = handle;
          }
        }
        const bigRuns = {} as Repeat['big'];
        for (const side of ['weft', 'hand'] as const) {
          const { ms, handle } = await run(side, big, BIG_TURNS);
          bigRuns[side] = { ...(await historyOf(workers.client, handle)), seconds: ms / 1000 };
        }
        repeats.push({
          ms: { weft: median(times.weft), hand: median(times.hand) },
          small: { weft: await historyOf(workers.client, last.weft), hand: await historyOf(workers.client, last.hand) },
          big: bigRuns,
        });
        process.stdout.write(`repeat ${repeat + 1}: ${JSON.stringify(repeats.at(-1))}\n`);
      }
    });
    await workers.close();
    const markdown = renderReport(repeats, backend.describe);
    writeSection(values.out!, 'agents', markdown);
    process.stdout.write(`\n${markdown}\nwritten to ${values.out}\n`);
  } finally {
    await tools.stop();
    await backend.stop();
  }
}

/** Runs one loop on one side to its end, checking it made all its turns; its wall time from start to result. */
function runner(client: Client) {
  return async (side: Side, shape: ReturnType<typeof loop>, turns: number): Promise<{ ms: number; handle: WorkflowHandle }> => {
    const workflowId = `bench-agents-${side}-${randomBytes(6).toString('hex')}`;
    const t0 = performance.now();
    const handle = side === 'weft' ? await startWeftRun(client, shape.definition, workflowId) : await client.workflow.start('handAgentLoop', { workflowId, taskQueue: HAND_TASK_QUEUE, args: [shape.hand] });
    const result = (await handle.result()) as RunWorkflowResult | { turns: number };
    const ms = performance.now() - t0;
    const made = 'status' in result ? (result.status === 'succeeded' ? (result.output as { turns?: number }).turns : undefined) : result.turns;
    if (made !== turns) throw new Error(`${side}'s loop did not make its ${turns} turns: ${JSON.stringify(result).slice(0, 500)}`);
    return { ms, handle };
  };
}

async function historyOf(client: Client, handle: WorkflowHandle): Promise<HistorySize> {
  const executions = await executionsOf(client, handle.workflowId);
  return {
    events: executions.reduce((n, e) => n + e.events, 0),
    bytes: executions.reduce((n, e) => n + e.bytes, 0),
    executions: executions.length,
    largestEvents: Math.max(...executions.map((e) => e.events)),
    largestBytes: Math.max(...executions.map((e) => e.bytes)),
  };
}

/** `median (min–max)` of the repeats' values. */
function spread(values: number[], digits: number, unit = ''): string {
  const f = (v: number) => `${v.toFixed(digits)}${unit}`;
  return `${f(median(values))} (${f(Math.min(...values))}–${f(Math.max(...values))})`;
}

function renderReport(repeats: Repeat[], temporal: string): string {
  const of = (pick: (r: Repeat) => number) => repeats.map(pick);
  const ratios = of((r) => r.ms.weft / r.ms.hand);
  const ratio = median(ratios);
  const kib = (bytes: number) => bytes / 1024;
  const mib = (bytes: number) => bytes / 1024 ** 2;
  const bigWeft = (pick: (h: Repeat['big']['weft']) => number) => of((r) => pick(r.big.weft));
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const perTurn = (side: Side) =>
    `| ${side === 'weft' ? 'Weft' : 'hand-written'}, ${TURNS} turns | ${spread(of((r) => r.small[side].events), 0)} | ${spread(of((r) => kib(r.small[side].bytes)), 1, ' KiB')} | ${spread(of((r) => r.small[side].events / TURNS), 2)} | ${spread(of((r) => r.small[side].bytes / TURNS / 1024), 2, ' KiB')} |`;
  const bigRow = (side: Side) =>
    `| ${side === 'weft' ? 'Weft' : 'hand-written'} | ${spread(of((r) => r.big[side].seconds), 1, ' s')} | ${spread(of((r) => r.big[side].executions), 0)} | ${spread(of((r) => r.big[side].largestEvents), 0)} | ${spread(of((r) => mib(r.big[side].largestBytes)), 2, ' MiB')} | ${spread(of((r) => r.big[side].events / BIG_TURNS), 2)} | ${spread(of((r) => r.big[side].bytes / BIG_TURNS / 1024), 1, ' KiB')} |`;
  // Events of one turn and its one call, halved: what one activity and its workflow task add.
  const perActivity = median(bigWeft((h) => h.largestEvents / BIG_TURNS)) / 2;
  const largestEvents = Math.max(...bigWeft((h) => h.largestEvents));
  const largestMiB = Math.max(...bigWeft((h) => mib(h.largestBytes)));
  return `## Agent loops against a hand-written loop

Weft's agent loop (an \`agent\` node with \`tools\`, weft-agents 3) against the
same loop written by hand as a plain Temporal workflow
(\`bench/workflows/hand-agent-loop.ts\`): both call the same activities, \`agentTurn\`
(the offline provider playing a script, no delay; the conversation kept in
PostgreSQL) for each model turn and \`runHttp\` for each tool call (a \`GET\` of a
local server's \`/echo\`, with its \`Idempotency-Key\`), on the same Temporal
server and database, by two workers in one process, each with its own bundle;
runs of the two are interleaved so load drift affects both alike. The
hand-written loop does none of Weft's bookkeeping (limits, budgets, argument
checks, the node's record and events, \`finishRun\`).

Command: \`${SERVER === 'dev' ? '' : 'WEFT_TEMPORAL_SERVER=… WEFT_TEMPORAL_SQL_TOOL=… '}npm run bench:agents -- --server ${SERVER} --repeats ${REPEATS} --runs ${RUNS} --turns ${TURNS} --big-turns ${BIG_TURNS} --big-bytes ${BIG_BYTES}\`
Machine: ${cpus().length} × ${cpu}, ${(totalmem() / 1024 ** 3).toFixed(0)} GiB, Node ${process.version}; ${temporal}; load average ${loadavg()[0]!.toFixed(1)} at the end (the machine is shared: only ratios measured in the same repeat mean much).
Date: ${new Date().toISOString().slice(0, 10)}. Each figure: the median of ${REPEATS} repeats, with their range; the ratio is Weft ÷ hand-written within each repeat.

(a) Time per run of a ${TURNS}-turn loop (${TURNS - 1} turns each calling the no-op http tool once, then a final answer), the median of ${RUNS} runs one at a time, from start to result:

| Weft | hand-written | **ratio** | target |
| ---: | ---: | ---: | --- |
| ${spread(of((r) => r.ms.weft), 0, ' ms')} | ${spread(of((r) => r.ms.hand), 0, ' ms')} | **${spread(ratios, 2)}** | ≤ 1.25×: ${ratio <= 1.25 ? 'met' : 'not met'} |

(b) History per turn, the ${TURNS}-turn loop (one run of each side per repeat; bytes are the history's protobuf encoding, as Temporal stores and sends it):

| loop | events | bytes | events per turn | bytes per turn |
| --- | ---: | ---: | ---: | ---: |
${perTurn('weft')}
${perTurn('hand')}

(c) The ${BIG_TURNS}-turn loop whose tool answers ${(BIG_BYTES / 1024).toFixed(0)} KiB each time (\`/bytes/${BIG_BYTES}\`: \`{data}\` of ${BIG_BYTES} characters), one run of each side per repeat:

| loop | wall time | executions | largest history (events) | largest history (bytes) | events per turn | bytes per turn |
| --- | ---: | ---: | ---: | ---: | ---: | ---: |
${bigRow('weft')}
${bigRow('hand')}

Target: no history over 10,000 events or 10 MB: ${largestEvents < 10_000 && largestMiB * 1024 ** 2 < 10_000_000 ? 'met' : 'not met'} (Weft's largest over the repeats: ${largestEvents} events, ${largestMiB.toFixed(2)} MiB). Per turn, history holds the turn's activity and the call's: a tool result is in it twice, as the call's result and in the next turn's input that hands it to the model (cut at 64 KB), so a turn costs about twice its tool result plus a few KiB, whatever the turn's number. The conversation itself lives in PostgreSQL (\`agent_messages\`), so no turn's history carries the ones before it: history grows with the number of turns, not with its square. At about ${perActivity.toFixed(0)} events per turn or call (each one activity and its workflow task), a loop at validation's bounds (${AGENT_LOOP_LIMITS.maxTurns} turns, ${AGENT_LOOP_LIMITS.maxToolCalls.toLocaleString('en')} calls) holds about ${(Math.round((perActivity * (AGENT_LOOP_LIMITS.maxTurns + AGENT_LOOP_LIMITS.maxToolCalls)) / 100) * 100).toLocaleString('en')} events, approvals aside.
`;
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:agents failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
