/**
 * `npm run bench:agent-stream [-- --repeats 3 --turns 4 --deltas 100 --pace-ms 20 --vendor anthropic]`:
 * streamed model text from the provider to a connected event-stream client
 * (weft-agents 6: p95 under 200 ms). The production topology in miniature: a
 * Temporal dev server, a throwaway PostgreSQL, `weft worker` and `weft api` as
 * processes of their own. The model is a local server speaking Anthropic's
 * Messages API (or OpenAI's Chat Completions, `--vendor openai`) over
 * server-sent events to the vendor's real SDK (test/support/fake-llm.ts),
 * writing text deltas `--pace-ms` apart, each carrying a sequence number, and
 * noting when it handed each to the socket. Each repeat runs one agent node with
 * an http tool for `--turns` turns (a tool call on every turn but the last, so
 * the text goes through the loop), `--deltas` deltas a turn, while a client
 * reads `GET /runs/{id}/events`. A delta's latency: from its send to the arrival
 * of the first `text` event that contains its number (the worker coalesces
 * deltas into at most ten events a second per node). Send and arrival are both
 * timed in this process, on one clock. Writes its section of docs/benchmarks.md.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { ToolServer } from '../src/conformance/tool-server.js';
import { FakeLlmServer, type FakeReply } from '../test/support/fake-llm.js';
import { freePort } from '../test/support/ports.js';
import { spawnWeft, stopProcess } from '../test/support/processes.js';
import { readEvents } from '../test/support/sse.js';
import { startBackend } from './backend.js';
import { median, percentile, writeSection } from './report.js';

const { values } = parseArgs({
  options: {
    repeats: { type: 'string', default: '3' },
    turns: { type: 'string', default: '4' },
    deltas: { type: 'string', default: '100' },
    'pace-ms': { type: 'string', default: '20' },
    vendor: { type: 'string', default: 'anthropic' },
    out: { type: 'string', default: 'docs/benchmarks.md' },
  },
});
const REPEATS = Number(values.repeats);
const TURNS = Number(values.turns);
const DELTAS = Number(values.deltas);
const PACE_MS = Number(values['pace-ms']);
if (values.vendor !== 'anthropic' && values.vendor !== 'openai') throw new Error('--vendor is anthropic or openai');
const VENDOR = values.vendor;
/** The vendor's SDK, the model asked for, and where a streamed event carries its text delta. */
const VENDORS = {
  anthropic: { name: 'Anthropic', sdk: '@anthropic-ai/sdk', model: 'claude-haiku-4-5', textOf: (data: any): string | undefined => (data.delta?.type === 'text_delta' ? data.delta.text : undefined) },
  openai: { name: 'OpenAI', sdk: 'openai', model: 'gpt-4o-mini', textOf: (data: any): string | undefined => data.choices?.[0]?.delta?.content || undefined },
} as const;
const KEY = `bench-admin-${randomBytes(12).toString('hex')}`;

/** A delta's text: its sequence number, found again in whatever event carries it. */
const deltaText = (seq: number) => `w${seq} `;
const SEQ = /\bw(\d+)\b/g;

interface Repeat {
  p50: number;
  p95: number;
  max: number;
  /** Per event, the latency of the newest delta it carries: the path after coalescing (plus under one pace). */
  pathP50: number;
  pathP95: number;
  /** Deltas sent while the client listened, and how many of those never arrived. */
  deltas: number;
  missing: number;
  /** `text` events received. */
  events: number;
  /** The longest this process's event loop was held up beyond its 10 ms timer while it read (CPU contention shows here first). */
  clientStallMs: number;
  loadAvg: number;
}

async function main(): Promise<void> {
  const backend = await startBackend('dev');
  const tools = new ToolServer();
  const llm = new FakeLlmServer();
  const toolPort = await tools.start();
  await llm.start();
  const scratch = mkdtempSync(join(tmpdir(), 'weft-bench-stream-'));
  const port = await freePort();
  const env = {
    ...process.env,
    DATABASE_URL: backend.databaseUrl,
    TEMPORAL_ADDRESS: backend.temporalAddress,
    WEFT_PORT: String(port),
    WEFT_BOOTSTRAP_ADMIN_KEY: KEY,
    WEFT_LOG_LEVEL: 'info',
    WEFT_DATA_DIR: scratch,
    WEFT_METRICS_PORT: String(await freePort()),
    WEFT_HTTP_ALLOW_PRIVATE: '1',
    WEFT_ANTHROPIC_BASE_URL: llm.anthropicUrl,
    WEFT_SECRET_ANTHROPIC_API_KEY: 'sk-bench',
    WEFT_OPENAI_BASE_URL: llm.openaiUrl,
    WEFT_SECRET_OPENAI_API_KEY: 'sk-bench',
  };
  const processes = [];
  try {
    processes.push(await spawnWeft('worker', env, 'Weft worker polling'));
    processes.push(await spawnWeft('api', env, 'Weft API listening'));
    const url = `http://127.0.0.1:${port}`;
    const repeats: Repeat[] = [];
    for (let i = 0; i < REPEATS; i++) {
      const repeat = await measure(url, llm, `http://127.0.0.1:${toolPort}/echo`, i);
      process.stdout.write(`${JSON.stringify(repeat)}\n`);
      repeats.push(repeat);
    }
    writeSection(values.out!, `agent-stream-${VENDOR}`, render(repeats, backend.describe));
    process.stdout.write(`written to ${values.out}\n`);
  } finally {
    for (const p of processes.reverse()) await stopProcess(p, 'SIGTERM');
    await llm.stop();
    await tools.stop();
    await backend.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** One run of the agent, read from before its first turn to its end. */
async function measure(url: string, llm: FakeLlmServer, toolUrl: string, repeat: number): Promise<Repeat> {
  const marker = `stream bench ${repeat} ${randomBytes(4).toString('hex')}`;
  const replies: FakeReply[] = Array.from({ length: TURNS }, (_, t) => ({
    text: Array.from({ length: DELTAS }, (_, d) => deltaText(t * DELTAS + d)).join(''),
    ...(t < TURNS - 1 ? { toolCalls: [{ name: 'ping', args: { turn: t + 1 } }] } : {}),
    paceMs: PACE_MS,
  }));
  llm.script(marker, replies);
  const sentAt = new Map<number, number>();
  llm.onSent = (e, at) => {
    for (const [, seq] of VENDORS[VENDOR].textOf(e.data)?.matchAll(SEQ) ?? []) sentAt.set(Number(seq), at);
  };
  const definition = {
    apiVersion: 'weft/v1',
    name: 'bench-agent-stream',
    tools: { ping: { description: 'Ping', parameters: { type: 'object', properties: { turn: { type: 'integer' } } }, http: { method: 'POST', url: toolUrl, body: { turn: '{{ args.turn }}' } } } },
    nodes: [
      // A short sleep first, so the client is connected before the first turn streams.
      { id: 'wait', type: 'sleep', duration: '1s' },
      { id: 'writer', type: 'agent', needs: ['wait'], agent: { provider: VENDOR, model: VENDORS[VENDOR].model, prompt: marker, tools: ['ping'], maxTurns: TURNS + 1 } },
    ],
  };
  const res = await fetch(`${url}/api/v1/runs`, { method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ definition }) });
  if (res.status !== 201 && res.status !== 202) throw new Error(`starting the run: ${res.status} ${await res.text()}`);
  const { id } = (await res.json()) as { id: string };
  const arrivedAt = new Map<number, number>();
  const eventTimes: number[] = [];
  const newestOf: { seq: number; at: number; turn: number }[] = [];
  let listeningSince = Number.POSITIVE_INFINITY;
  let status = '';
  const stalls = monitorEventLoopDelay({ resolution: 10 }); // clientStallMs subtracts these 10 ms
  stalls.enable();
  await readEvents(`${url}/api/v1/runs/${id}/events`, KEY, (e) => {
    const now = Date.now();
    // The snapshot comes once the API listens for text: text sent from then on must arrive.
    if (e.event === 'snapshot') listeningSince = Math.min(listeningSince, now);
    if (e.event === 'run') status = e.data.status;
    if (e.event !== 'agent' || e.data.kind !== 'text') return;
    eventTimes.push(now);
    const seqs = [...(e.data.delta as string).matchAll(SEQ)].map(([, seq]) => Number(seq));
    for (const seq of seqs) if (!arrivedAt.has(seq)) arrivedAt.set(seq, now);
    if (seqs.length > 0) newestOf.push({ seq: Math.max(...seqs), at: now, turn: e.data.turn });
  });
  llm.onSent = undefined;
  stalls.disable();
  if (status !== 'succeeded') throw new Error(`run ${id} ended ${status}`);
  const latencies: number[] = [];
  let missing = 0;
  for (const [seq, sent] of sentAt) {
    if (sent < listeningSince) continue;
    const arrived = arrivedAt.get(seq);
    if (arrived === undefined) missing += 1;
    else latencies.push(arrived - sent);
  }
  latencies.sort((a, b) => a - b);
  // A turn's last event may carry a delta that waited a whole window after the stream paused: left out.
  const paths = newestOf
    .filter((e, i) => newestOf[i + 1]?.turn === e.turn && sentAt.get(e.seq)! >= listeningSince)
    .map(({ seq, at }) => at - sentAt.get(seq)!)
    .sort((a, b) => a - b);
  return {
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    max: latencies.at(-1) ?? Number.NaN,
    pathP50: percentile(paths, 50),
    pathP95: percentile(paths, 95),
    deltas: latencies.length + missing,
    missing,
    events: eventTimes.length,
    clientStallMs: stalls.max / 1e6 - 10,
    loadAvg: loadavg()[0]!,
  };
}

function render(repeats: Repeat[], server: string): string {
  const stat = (pick: (r: Repeat) => number, digits = 0) => {
    const xs = repeats.map(pick).sort((a, b) => a - b);
    return `${median(xs).toFixed(digits)} (${xs[0]!.toFixed(digits)}–${xs.at(-1)!.toFixed(digits)})`;
  };
  const p95 = median(repeats.map((r) => r.p95));
  return `## Streamed agent text to an event-stream client (${VENDORS[VENDOR].name} SDK)

Command: \`npm run bench:agent-stream -- --repeats ${REPEATS} --turns ${TURNS} --deltas ${DELTAS} --pace-ms ${PACE_MS} --vendor ${VENDOR}\`
Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 1024 ** 3).toFixed(0)} GiB, Node ${process.version}, ${server}, PostgreSQL (throwaway cluster); \`weft api\` and \`weft worker\` as processes of their own, the model server and the client in a third. Load average (1 min) at the end of each repeat: ${repeats.map((r) => r.loadAvg.toFixed(1)).join(', ')} (the machine is shared).
Date: ${new Date().toISOString().slice(0, 10)}. Each figure: the median of ${REPEATS} repeats, with their range.

| what | p50 | p95 | max | the newest delta of each event: p50 | p95 | deltas a repeat | not arrived | \`text\` events a repeat | longest stall of the client's event loop | target |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |
| a text delta from the model server's socket to a connected \`GET /runs/{id}/events\` client, one agent node, ${TURNS} turns × ${DELTAS} deltas ${PACE_MS} ms apart, an http tool call between turns | ${stat((r) => r.p50)} ms | ${stat((r) => r.p95)} ms | ${stat((r) => r.max)} ms | ${stat((r) => r.pathP50)} ms | ${stat((r) => r.pathP95)} ms | ${stat((r) => r.deltas)} | ${stat((r) => r.missing)} | ${stat((r) => r.events)} | ${stat((r) => r.clientStallMs)} ms | p95 < 200 ms: **${p95 < 200 ? 'met' : 'not met'}** |

- The model is a local server speaking ${VENDOR === 'anthropic' ? "Anthropic's Messages API" : "OpenAI's Chat Completions"} over server-sent events (test/support/fake-llm.ts with \`paceMs\`) to the real \`${VENDORS[VENDOR].sdk}\` in the worker; each delta is \`w<n> \`, timed as it is handed to the socket. A delta's latency runs to the arrival of the first \`text\` event containing its number: it includes the SDK's parsing, the worker's coalescing (one send per node at most every 100 ms, src/activities/agents/text-stream.ts), PostgreSQL's \`NOTIFY\`, the API's \`LISTEN\` and its write to the stream.
- Coalescing alone puts a delta up to 100 ms behind (50 ms on average at a steady pace); the rest is the path through PostgreSQL and the API. The *newest delta of each event* columns isolate that path: the last delta an event carries (a turn's last event left out) waited at most one pace (${PACE_MS} ms) for the worker's send, so its latency is the SDK, \`NOTIFY\`, the API and the client's read, plus under one pace.
- Only deltas sent after the client had its snapshot count (the API listens for text before it sends the snapshot).
`;
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
