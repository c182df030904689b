import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { ROOT } from '../support/processes.js';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxAvailability } from '../../src/activities/exec/sandbox.js';
import { loadPlugins } from '../../src/plugins/loader.js';
import { FakeLlmServer } from '../support/fake-llm.js';
import { createHarness, definition, HISTORIES_DIR, type Harness } from '../support/harness.js';
import { waitFor } from '../support/processes.js';
import { localServer, type Received } from '../unit/plugins/support.js';
import { serveFixtureHttp, type HttpFixture } from '../fixtures/mcp/serve-http.js';

/**
 * The agent loop through the whole stack (weft-agents 1–5): API, worker,
 * PostgreSQL and the Temporal dev server, with every tool kind against real
 * local servers (an http endpoint, exec, a plugin, a stored workflow, a
 * sub-agent, MCP servers built with the SDK over both transports) and the
 * anthropic and openai providers through their SDKs against the fake LLM
 * server, which refuses malformed conversations.
 */
const fake = new FakeLlmServer();
let h: Harness;
let dir: string;
let tool: Awaited<ReturnType<typeof localServer>>;
let mcp: HttpFixture;

const PLUGIN = `
export default {
  name: 'probe-tools',
  version: '1.0.0',
  nodeTypes: {
    probe: {
      description: 'Says what it was given, and its idempotency key',
      config: { type: 'object', required: ['text'], properties: { text: { type: 'string' } } },
      async run(ctx, config) {
        return { text: config.text, key: ctx.idempotencyKey ?? null };
      },
    },
  },
};
`;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'weft-agent-tools-'));
  writeFileSync(join(dir, 'probe-tools.mjs'), PLUGIN);
  await fake.start();
  tool = await localServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ path: req.url, key: req.headers['idempotency-key'] ?? null }));
  });
  mcp = await serveFixtureHttp();
  h = await createHarness({
    plugins: await loadPlugins({ specifiers: [join(dir, 'probe-tools.mjs')] }),
    workerEnv: {
      // 127.0.0.1 is allowed; other loopback addresses are not: the guard still stands.
      WEFT_HTTP_ALLOW_HOSTS: '127.0.0.1',
      WEFT_EXEC: 'on',
      WEFT_EXEC_WORKSPACE: join(dir, 'workspace'),
      WEFT_MCP_STDIO: '1',
      // The checkout (node, tsx, the fixture) stays visible in the sandbox wherever it lies, /tmp included (CI may clone there).
      WEFT_EXEC_SANDBOX_READONLY: ROOT,
      ...fake.workerEnv(),
    },
  });
});

afterAll(async () => {
  await h?.close();
  await fake.stop();
  await tool?.close();
  await mcp?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Call {
  id: string;
  tool: string;
  args: unknown;
  status: string;
  output?: any;
  error?: { type: string; message: string };
  attempts: number;
}
const callsOf = (output: unknown): Call[] => (output as { toolCalls: Call[] }).toolCalls;
const fast = { maxAttempts: 2, initialInterval: '10ms', backoffCoefficient: 1 };

const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const stdioEntry = fileURLToPath(new URL('../fixtures/mcp/stdio-server.ts', import.meta.url));

/** The definition's tools: one of each kind of `tools`, and two MCP servers. */
const toolbox = () => ({
  tools: {
    fetch_page: {
      description: 'GET a path of the tool server',
      parameters: { type: 'object', required: ['path'], properties: { path: { type: 'string' } } },
      http: { url: `${tool.url}/{{ args.path }}` },
      retry: fast,
    },
    fetch_guarded: {
      description: 'GET a path of another loopback address, which the guard refuses',
      parameters: { type: 'object' },
      http: { url: `${tool.url.replace('127.0.0.1', '127.0.0.2')}/guarded` },
      retry: { maxAttempts: 1 },
    },
    shell: {
      description: 'Print the idempotency key and a word',
      parameters: { type: 'object', required: ['word'], properties: { word: { type: 'string' } } },
      exec: { command: ['sh', '-c', 'printf "%s %s" "$WEFT_IDEMPOTENCY_KEY" "$1"', 'sh', '{{ args.word }}'] },
      retry: { maxAttempts: 1 },
    },
    boxed: {
      description: 'List network interfaces, sandboxed',
      parameters: { type: 'object' },
      exec: { command: ['sh', '-c', 'cat /proc/net/dev | tail -n +3 | cut -d: -f1 | tr -d " " | sort | tr "\\n" ","'], policy: 'sandbox' },
      retry: { maxAttempts: 1 },
    },
    probe: {
      description: 'The probe plugin',
      parameters: { type: 'object', required: ['text'], properties: { text: { type: 'string' } } },
      plugin: 'probe-tools.probe',
      config: { text: '{{ args.text }}!' },
    },
    square: {
      description: 'Square a number in a child run',
      parameters: { type: 'object', required: ['x'], properties: { x: { type: 'number' } } },
      workflow: 'agent-square',
    },
    review: {
      description: 'Ask the reviewer',
      parameters: { type: 'object', required: ['patch'], properties: { patch: { type: 'string' } } },
      agent: 'reviewer',
      prompt: 'Review this patch: {{ args.patch }}',
    },
    second_opinion: {
      description: 'Ask the leaf reviewer',
      parameters: { type: 'object' },
      agent: 'leaf',
    },
  },
  mcp: {
    web: { url: mcp.url },
    local: { command: [process.execPath, '--import', tsx, stdioEntry], tools: ['echo'] },
  },
  agents: {
    reviewer: {
      provider: 'offline',
      system: 'You review patches.',
      tools: ['second_opinion'],
      mock: { script: [{ toolCalls: [{ tool: 'second_opinion', args: { why: 'depth 2' } }] }, { text: 'approved by reviewer' }], costUsd: 0.01 },
    },
    leaf: { provider: 'offline', mock: { text: 'leaf says fine', costUsd: 0.02 } },
  },
});

const offlineLoop = (id: string, tools: string[], script: unknown[], extra: Record<string, unknown> = {}) => ({
  id,
  type: 'agent',
  agent: { provider: 'offline', prompt: `loop ${id}`, tools, mock: { script, costUsd: 0.001 }, ...extra },
});

describe('every tool kind through the loop (weft-agents 1, 3.1, 3.3, 5)', () => {
  beforeAll(async () => {
    const child = definition('agent-square', [{ id: 'sq', type: 'agent', agent: { provider: 'offline', prompt: 'sq', mock: { json: { square: '{{ input.x * input.x }}' }, costUsd: 0.25 } } }], {
      input: { type: 'object', required: ['x'], properties: { x: { type: 'number' } } },
      outputs: { square: '{{ nodes.sq.output.json.square }}' },
    });
    expect((await h.api('POST', '/api/v1/workflows', child)).status).toBe(201);
  });

  it('http, exec, plugin, workflow and agent tools each run with their idempotency key; unknown tools and bad args are fed back', async () => {
    const script = [
      {
        toolCalls: [
          { tool: 'fetch_page', args: { path: 'page-1' } },
          { tool: 'fetch_guarded', args: {} },
          { tool: 'shell', args: { word: 'hello' } },
          { tool: 'probe', args: { text: 'hi' } },
          { tool: 'square', args: { x: 7 } },
          { tool: 'nope', args: {} },
          { tool: 'fetch_page', args: { path: 3 } },
        ],
      },
      { toolCalls: [{ tool: 'review', args: { patch: 'diff --git a b' } }] },
      { text: 'all tools used' },
    ];
    const run = await h.run(definition('all-tools', [offlineLoop('agent', ['fetch_page', 'fetch_guarded', 'shell', 'probe', 'square', 'review'], script)], toolbox()));
    expect(run.status, JSON.stringify(run.nodes.agent)).toBe('succeeded');
    const calls = callsOf(run.nodes.agent!.output);
    const key = (callId: string) => `${run.id}/agent/${callId}`;
    expect(calls.map((c) => [c.tool, c.status])).toEqual([
      ['fetch_page', 'succeeded'],
      ['fetch_guarded', 'failed'],
      ['shell', 'succeeded'],
      ['probe', 'succeeded'],
      ['square', 'succeeded'],
      ['nope', 'unknown'],
      ['fetch_page', 'invalid'],
      ['review', 'succeeded'],
    ]);
    // http: the Idempotency-Key header reached the server; the guard refused localhost.
    expect(calls[0]!.output).toMatchObject({ status: 200, body: { path: '/page-1', key: key('call_1_1') } });
    expect(tool.received.filter((r: Received) => r.url === '/page-1').map((r) => r.headers['idempotency-key'])).toEqual([key('call_1_1')]);
    expect(calls[1]!.error).toMatchObject({ type: 'DESTINATION_REFUSED' });
    expect(tool.received.some((r) => r.url === '/guarded')).toBe(false);
    // exec: WEFT_IDEMPOTENCY_KEY in the environment.
    expect(calls[2]!.output).toMatchObject({ exitCode: 0, stdout: `${key('call_1_3')} hello` });
    // plugin: ctx.idempotencyKey.
    expect(calls[3]!.output).toEqual({ text: 'hi!', key: key('call_1_4') });
    // workflow: the child run's output; its cost counts.
    expect(calls[4]!.output).toEqual({ square: 49 });
    expect(calls[5]!.error).toMatchObject({ type: 'TOOL_UNKNOWN' });
    expect(calls[6]!.error).toMatchObject({ type: 'ARGS_INVALID', message: expect.stringContaining('/path') });
    // agent: the reviewer (depth 1) asked the leaf (depth 2).
    expect(calls[7]!.output).toMatchObject({ text: 'approved by reviewer', turns: 2, toolCalls: [{ tool: 'second_opinion', status: 'succeeded', output: { text: 'leaf says fine' } }] });
    // Cost: 3 turns, the child run's 0.25, the reviewer's 2 turns and the leaf's turn.
    expect(run.nodes.agent!.costUsd).toBeCloseTo(0.003 + 0.25 + 0.02 + 0.02, 9);
    expect(run.costUsd).toBeCloseTo(0.003 + 0.25 + 0.02 + 0.02, 9);

    // The conversation, with the sub-agents' under their calls.
    const node = (await h.api('GET', `/api/v1/runs/${run.id}/nodes/agent`)).body;
    expect(node.conversation.map((t: { turn: number }) => t.turn)).toEqual([1, 2, 3]);
    const reviewResult = node.conversation[1].content.find((b: { type: string; callId?: string }) => b.type === 'tool_result' && b.callId === 'call_2_1');
    expect(reviewResult.conversation.map((t: { turn: number }) => t.turn)).toEqual([1, 2]);
    const leafResult = reviewResult.conversation[0].content.find((b: { type: string }) => b.type === 'tool_result');
    expect(leafResult.conversation).toHaveLength(1);
    expect(leafResult.conversation[0].content).toEqual([{ type: 'text', text: 'leaf says fine' }]);
    // The model read the invalid call's schema errors and the unknown tool's refusal.
    const fedBack = node.conversation[0].content.filter((b: { type: string }) => b.type === 'tool_result');
    expect(fedBack.map((b: { isError: boolean }) => b.isError)).toEqual([false, true, false, false, false, true, true]);
    await h.recordHistory('agent-tool-loop', run.id);
  });

  it('runs an exec tool under the sandbox policy', async () => {
    const run = await h.run(definition('sandboxed-tool', [offlineLoop('agent', ['boxed'], [{ toolCalls: [{ tool: 'boxed', args: {} }] }, { text: 'done' }])], toolbox()));
    const [call] = callsOf(run.nodes.agent!.output);
    if (sandboxAvailability().available) expect(call).toMatchObject({ status: 'succeeded', output: { stdout: 'lo,' } });
    else expect(call).toMatchObject({ status: 'failed', error: { type: expect.stringMatching(/SANDBOX/) } });
  });

  it('MCP over Streamable HTTP and stdio: the _meta key reaches the server, isError is an error result, structuredContent the output', async () => {
    const script = [
      {
        toolCalls: [
          { tool: 'web__echo', args: { text: 'over http' } },
          { tool: 'web__add', args: { a: 2, b: 3 } },
          { tool: 'web__fail', args: {} },
          { tool: 'local__echo', args: { text: 'over stdio' } },
          { tool: 'local__add', args: { a: 1, b: 1 } },
        ],
      },
      { text: 'mcp done' },
    ];
    const run = await h.run(definition('mcp-tools', [offlineLoop('agent', ['mcp.web', 'mcp.local'], script)], toolbox()));
    expect(run.status, JSON.stringify(run.nodes.agent)).toBe('succeeded');
    const calls = callsOf(run.nodes.agent!.output);
    const key = (callId: string) => `${run.id}/agent/${callId}`;
    expect(calls.map((c) => [c.tool, c.status])).toEqual([
      ['web__echo', 'succeeded'],
      ['web__add', 'succeeded'],
      ['web__fail', 'failed'],
      ['local__echo', 'succeeded'],
      // The stdio server's allow-list leaves only echo.
      ['local__add', 'unknown'],
    ]);
    expect(JSON.parse(calls[0]!.output as string)).toEqual({ args: { text: 'over http' }, idempotencyKey: key('call_1_1') });
    expect(mcp.log.counts.get(key('call_1_1'))).toBe(1);
    expect(calls[1]!.output).toEqual({ sum: 5 });
    expect(calls[2]!.error).toEqual({ type: 'MCP_TOOL_ERROR', message: 'the tool failed on purpose' });
    expect(JSON.parse(calls[3]!.output as string)).toEqual({ args: { text: 'over stdio' }, idempotencyKey: key('call_1_4') });
    // The model read the tool error flagged as an error.
    const node = (await h.api('GET', `/api/v1/runs/${run.id}/nodes/agent`)).body;
    const results = node.conversation[0].content.filter((b: { type: string }) => b.type === 'tool_result');
    expect(results[2]).toMatchObject({ isError: true, content: expect.stringContaining('the tool failed on purpose') });
  });

  it('an approved call runs with the edited args through the API (422 on bad args, 409 once decided), a rejected one is fed back', async () => {
    const tools = {
      ...toolbox().tools,
      fetch_page: { ...toolbox().tools.fetch_page, approve: "args.path != 'free'" },
    };
    const script = [{ toolCalls: [{ tool: 'fetch_page', args: { path: 'ask-1' } }, { tool: 'fetch_page', args: { path: 'ask-2' } }, { tool: 'fetch_page', args: { path: 'free' } }] }, { text: 'decided' }];
    const id = await h.startRun(definition('call-approval', [offlineLoop('agent', ['fetch_page'], script)], { ...toolbox(), tools }));
    const pending = await waitFor(async () => {
      const calls = (await h.live(id)).nodes.agent?.pendingToolCalls ?? [];
      return calls.length === 2 ? calls : undefined;
    }, 'two calls to wait');
    expect(pending.map((c) => c.callId)).toEqual(['call_1_1', 'call_1_2']);
    const bad = await h.api('POST', `/api/v1/runs/${id}/approvals/agent`, { callId: 'call_1_1', approved: true, args: { path: 5 } });
    expect(bad.status).toBe(422);
    expect((await h.api('POST', `/api/v1/runs/${id}/approvals/agent`, { callId: 'call_1_1', approved: true, args: { path: 'edited' } })).status).toBe(200);
    expect((await h.api('POST', `/api/v1/runs/${id}/approvals/agent`, { callId: 'call_1_2', approved: false, comment: 'no' })).status).toBe(200);
    expect((await h.api('POST', `/api/v1/runs/${id}/approvals/agent`, { callId: 'call_1_2', approved: true })).status).toBe(409);
    const run = await h.finished(id);
    const calls = callsOf(run.nodes.agent!.output);
    expect(calls.map((c) => [c.status, c.args])).toEqual([
      ['succeeded', { path: 'edited' }],
      ['rejected', { path: 'ask-2' }],
      ['succeeded', { path: 'free' }],
    ]);
    expect(tool.received.some((r) => r.url === '/edited')).toBe(true);
    expect(tool.received.some((r) => r.url === '/ask-1' || r.url === '/ask-2')).toBe(false);
    await h.recordHistory('agent-call-approval', id);
  });

  it('records a sub-agent loop', async () => {
    const run = await h.run(definition('sub-agent', [offlineLoop('agent', ['review'], [{ toolCalls: [{ tool: 'review', args: { patch: 'p' } }] }, { text: 'ok' }])], toolbox()));
    expect(callsOf(run.nodes.agent!.output)[0]).toMatchObject({ status: 'succeeded', output: { text: 'approved by reviewer' } });
    await h.recordHistory('agent-sub-agent', run.id);
  });
});

describe('an agent node without tools (weft-agents: v1 unchanged)', () => {
  it('gives byte-identical output and model config to a recorded v1 history', async () => {
    const recorded = JSON.parse(readFileSync(join(HISTORIES_DIR, 'retry-then-succeed.json'), 'utf8')) as { events: Record<string, any>[] };
    const payload = (event: Record<string, any> | undefined, field: string) => Buffer.from(event![field].input?.payloads?.[0]?.data ?? event![field].result.payloads[0].data, 'base64').toString('utf8');
    const started = JSON.parse(payload(recorded.events[0], 'workflowExecutionStartedEventAttributes')) as { definition: unknown };
    const run = await h.run(started.definition);
    const history = await h.handle(run.id).fetchHistory();
    const result = (events: Record<string, any>[]) => payload(events.find((e) => e.activityTaskCompletedEventAttributes), 'activityTaskCompletedEventAttributes');
    // The activity input gained `workflow` since that recording; the model config it carries is the same, byte for byte.
    const config = (events: Record<string, any>[]) => JSON.stringify(JSON.parse(payload(events.find((e) => e.activityTaskScheduledEventAttributes), 'activityTaskScheduledEventAttributes')).config);
    const now = JSON.parse(JSON.stringify(history.events, (_k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v))) as Record<string, any>[];
    expect(now.filter((e) => e.activityTaskScheduledEventAttributes).map((e) => e.activityTaskScheduledEventAttributes.activityType.name)).toEqual(['runAgent']);
    expect(config(now)).toBe(config(recorded.events));
    // The activity's result, as history keeps it, byte for byte; the API shows that output (PostgreSQL orders its keys).
    expect(result(now)).toBe(result(recorded.events));
    expect(run.nodes.flaky!.output).toEqual(JSON.parse(result(recorded.events)).output);
  });
});

describe('providers through the loop (weft-agents 4)', () => {
  let seq = 0;
  const marker = (name: string) => `[${name}-${++seq}]`;
  it.each([
    ['anthropic', 'claude-sonnet-4-5', { thinking: { budgetTokens: 2048 } }],
    ['openai', 'gpt-4o-mini', {}],
  ] as const)('%s: parallel calls answered in order (anthropic: thinking passed back), priced', async (provider, model, extra) => {
    const m = marker(provider);
    fake.script(m, [
      { thinking: provider === 'anthropic' ? 'I should fetch both pages' : undefined, toolCalls: [{ name: 'fetch_page', args: { path: 'a' } }, { name: 'fetch_page', args: { path: 'b' } }] },
      { thinking: provider === 'anthropic' ? 'Now one more' : undefined, text: 'one more', toolCalls: [{ name: 'fetch_page', args: { path: 'c' } }] },
      { text: 'the pages say hello' },
    ]);
    const tools = { tools: { fetch_page: { description: 'GET a path', parameters: { type: 'object', required: ['path'], properties: { path: { type: 'string' } } }, http: { url: `${tool.url}/{{ args.path }}` } } } };
    const run = await h.run(definition(`loop-${provider}`, [{ id: 'agent', type: 'agent', agent: { provider, model, prompt: `Fetch ${m}`, tools: ['fetch_page'], ...extra } }], tools));
    const requests = fake.requestsFor(m);
    expect(requests.filter((r) => r.refused).map((r) => r.refused)).toEqual([]);
    expect(run.status, JSON.stringify(run.nodes.agent?.error)).toBe('succeeded');
    expect(requests).toHaveLength(3);
    expect(run.nodes.agent!.output).toMatchObject({ text: 'the pages say hello', turns: 3, provider, model, usage: { inputTokens: 30, outputTokens: 15 } });
    expect(callsOf(run.nodes.agent!.output).map((c) => c.output.body.path)).toEqual(['/a', '/b', '/c']);
    expect(run.nodes.agent!.costUsd).toBeGreaterThan(0);
    // The third request carries both earlier answers and their results, in order.
    const last = requests[2]!.body.messages as Record<string, any>[];
    if (provider === 'anthropic') {
      expect(last.map((msg) => msg.role)).toEqual(['user', 'assistant', 'user', 'assistant', 'user']);
      expect(last[1]!.content[0]).toMatchObject({ type: 'thinking', thinking: 'I should fetch both pages' });
      expect(last[2]!.content.map((b: { tool_use_id: string }) => b.tool_use_id)).toEqual(last[1]!.content.filter((b: { type: string }) => b.type === 'tool_use').map((b: { id: string }) => b.id));
    } else {
      expect(last.map((msg) => msg.role)).toEqual(['user', 'assistant', 'tool', 'tool', 'assistant', 'tool']);
      expect(last.filter((msg) => msg.role === 'tool').map((msg) => JSON.parse(msg.content).body.path)).toEqual(['/a', '/b', '/c']);
    }
  });
});
