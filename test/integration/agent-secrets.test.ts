import { PassThrough } from 'node:stream';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeLlmServer } from '../support/fake-llm.js';
import { ADMIN_KEY, createHarness, definition, type Harness } from '../support/harness.js';
import { readEvents } from '../support/sse.js';
import { localServer } from '../unit/plugins/support.js';
import { databaseDump, decodedPayloads } from '../support/payloads.js';

/**
 * Secrets and untrusted content in an agent loop (weft-agents 3.4): a tool
 * whose server echoes the secret header back leaks it nowhere — the node
 * record, the Temporal history, the logs, the run events, the database (the
 * conversation tables included) nor the next model request — and a
 * `{{ secrets.X }}` the model writes in its arguments stays literal text.
 */
const TOKEN = 'tok-SECRET-tool-5151';
const fake = new FakeLlmServer();
const logs: string[] = [];
let h: Harness;
let tool: Awaited<ReturnType<typeof localServer>>;

beforeAll(async () => {
  await fake.start();
  // A careless server: it echoes the credential and the body it got.
  tool = await localServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ youSent: req.headers.authorization ?? null, body: req.body }));
  });
  const logStream = new PassThrough();
  logStream.on('data', (chunk: Buffer) => logs.push(chunk.toString()));
  h = await createHarness({
    logStream,
    workerEnv: {
      WEFT_HTTP_ALLOW_HOSTS: '127.0.0.1',
      WEFT_ANTHROPIC_BASE_URL: fake.anthropicUrl,
      WEFT_SECRET_ANTHROPIC_API_KEY: 'sk-ant-fake-key-000111',
      WEFT_SECRET_TOOL_TOKEN: TOKEN,
    },
  });
});

afterAll(async () => {
  await h?.close();
  await fake.stop();
  await tool?.close();
});

describe('secrets in an agent loop (weft-agents 3.4)', () => {
  it('an echoed secret header leaks nowhere; a model-written {{ secrets.X }} stays literal', async () => {
    const marker = '[agent-secrets]';
    const literal = '{{ secrets.TOOL_TOKEN }}';
    fake.script(marker, [{ toolCalls: [{ name: 'call_api', args: { note: literal } }] }, { text: 'the api answered' }]);
    const tools = {
      call_api: {
        description: 'Call the API',
        parameters: { type: 'object', required: ['note'], properties: { note: { type: 'string' } } },
        http: { method: 'POST', url: `${tool.url}/api`, headers: { authorization: 'Bearer {{ secrets.TOOL_TOKEN }}' }, body: { note: '{{ args.note }}' } },
      },
    };
    const run = await h.run(
      definition('agent-secrets', [{ id: 'agent', type: 'agent', agent: { provider: 'anthropic', model: 'claude-sonnet-4-5', prompt: `Call it ${marker}`, tools: ['call_api'] } }], { tools }),
    );
    expect(run.status, JSON.stringify(run.nodes.agent?.error)).toBe('succeeded');

    // The secret was really sent; the model's template was not resolved: the tool got the literal text.
    expect(tool.received).toHaveLength(1);
    expect(tool.received[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(JSON.parse(tool.received[0]!.body)).toEqual({ note: literal });
    const [call] = (run.nodes.agent!.output as { toolCalls: { output: { body: unknown } }[] }).toolCalls;
    expect(call!.output.body).toEqual({ youSent: 'Bearer [secret]', body: JSON.stringify({ note: literal }) });

    const places: Record<string, string> = {};
    // The node record and its conversation, as the API shows them.
    places.record = JSON.stringify([(await h.api('GET', `/api/v1/runs/${run.id}`)).body, (await h.api('GET', `/api/v1/runs/${run.id}/nodes/agent`)).body]);
    expect(places.record).toContain('youSent');
    // The Temporal history, payloads decoded.
    const history = JSON.parse(historyToJSON(await h.handle(run.id).fetchHistory())) as unknown;
    places.history = `${JSON.stringify(history)}\n${decodedPayloads(history).join('\n')}`;
    expect(places.history).toContain('youSent');
    expect(places.history).toContain('secrets.TOOL_TOKEN');
    // The run's events.
    const events: unknown[] = [];
    const stream = await readEvents(`${h.url}/api/v1/runs/${run.id}/events`, ADMIN_KEY, (e) => void events.push(e));
    expect(stream.ended).toBe(true);
    places.events = JSON.stringify(events);
    // Every row of every table: the conversation tables, run events, records, attempts.
    const dump = await databaseDump(h.databaseUrl);
    expect(dump.tables).toEqual(expect.arrayContaining(['agent_conversations', 'agent_messages']));
    places.database = dump.text;
    expect(places.database).toContain('youSent');
    // The logs.
    places.logs = logs.join('');
    expect(places.logs).toContain(run.id);
    // The next model request read the tool's result, scrubbed.
    const requests = fake.requestsFor(marker);
    expect(requests).toHaveLength(2);
    places.modelRequests = JSON.stringify(requests.map((r) => r.body));
    expect(places.modelRequests).toContain('Bearer [secret]');

    for (const [place, text] of Object.entries(places)) expect(text.includes(TOKEN), `the tool token in ${place}`).toBe(false);
  });
});
