import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findTemporalCli } from '../../src/runtime/temporal-dev-server.js';
import { FakeLlmServer } from '../support/fake-llm.js';
import { createHarness, definition, type Harness } from '../support/harness.js';
import { databaseDump, decodedPayloads } from '../support/payloads.js';

/**
 * Contract 1.1: a secret used by an agent node (its key) and by an http header
 * reaches the vendor and the endpoint, and appears in none of: the Temporal
 * history, the API's run and node responses, the database rows, the logs.
 */
const AGENT_KEY = 'sk-team-SECRET-agent-4242';
const HOOK_TOKEN = 'tok-SECRET-http-9191';

const fake = new FakeLlmServer();
let echo: Server;
let port = 0;
const received: string[] = [];
const logs: string[] = [];
let h: Harness;

beforeAll(async () => {
  await fake.start();
  echo = createServer((req, res) => {
    received.push(req.headers.authorization ?? '');
    // A careless endpoint echoes what it got, the credential included.
    res.writeHead(req.url === '/reject' ? 400 : 200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ youSent: req.headers.authorization }));
  });
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  port = (echo.address() as { port: number }).port;
  const logStream = new PassThrough();
  logStream.on('data', (chunk: Buffer) => logs.push(chunk.toString()));
  h = await createHarness({
    logStream,
    workerEnv: {
      WEFT_ANTHROPIC_BASE_URL: fake.anthropicUrl,
      WEFT_OPENAI_BASE_URL: fake.openaiUrl,
      WEFT_HTTP_ALLOW_PRIVATE: '1',
      WEFT_SECRET_TEAM_KEY: AGENT_KEY,
      WEFT_SECRET_HOOK_TOKEN: HOOK_TOKEN,
    },
  });
});

afterAll(async () => {
  await h?.close();
  await fake.stop();
  await new Promise<void>((resolve) => echo.close(() => resolve()));
});

describe('secrets', () => {
  it('reach the vendor and the endpoint, and nothing else', async () => {
    fake.script('[secret-test]', [{ text: 'all good', usage: { input: 10, output: 5 } }]);
    const hook = (id: string, path: string, extra: Record<string, unknown> = {}) => ({
      id,
      type: 'http',
      needs: ['ask'],
      retry: { maxAttempts: 1 },
      request: { method: 'POST', url: `http://127.0.0.1:${port}${path}`, headers: { authorization: 'Bearer {{ secrets.HOOK_TOKEN }}' }, body: { answer: '{{ nodes.ask.output.text }}' } },
      ...extra,
    });
    const run = await h.run(
      definition('secretive', [
        { id: 'ask', type: 'agent', agent: { provider: 'anthropic', model: 'claude-sonnet-4-5', apiKey: '{{ secrets.TEAM_KEY }}', prompt: 'hello [secret-test]' } },
        hook('notify', '/echo'),
        hook('refused', '/reject', { onFailure: 'continue' }),
        // Logs something (an unpriced model), so the log check below has lines to read.
        { id: 'local', type: 'agent', agent: { provider: 'openai', model: 'unpriced-local-model', prompt: 'hi [secret-test]' } },
      ]),
    );
    expect(run.status, JSON.stringify(run.error) + JSON.stringify(Object.fromEntries(Object.entries(run.nodes).map(([k, v]) => [k, v.error])))).toBe('succeeded');

    // The secrets were really used.
    const [call] = fake.requestsFor('hello [secret-test]');
    expect(call!.headers['x-api-key'] ?? call!.headers.authorization?.replace(/^Bearer /, '')).toBe(AGENT_KEY);
    expect(received).toContain(`Bearer ${HOOK_TOKEN}`);
    // What the endpoint echoed back is scrubbed, in the output and in the error.
    expect(run.nodes.notify!.output).toMatchObject({ body: { youSent: 'Bearer [secret]' } });
    expect(run.nodes.refused).toMatchObject({ status: 'failed', error: { type: 'HTTP_STATUS', message: expect.stringContaining('Bearer [secret]') } });

    const places: Record<string, string> = {};
    // 1. Temporal history, as the CLI shows it.
    const raw = execFileSync(findTemporalCli(process.env.TEMPORAL_CLI), ['workflow', 'show', '--workflow-id', run.id, '--output', 'json', '--address', h.temporalAddress], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    // Payloads are base64 in the CLI's JSON: decode them, or a search would prove nothing.
    places.history = `${raw}\n${decodedPayloads(JSON.parse(raw)).join('\n')}`;
    expect(places.history).toContain('secrets.HOOK_TOKEN');
    // 2. The API's responses.
    places.api = JSON.stringify([
      (await h.api('GET', `/api/v1/runs/${run.id}`)).body,
      (await h.api('GET', '/api/v1/runs')).body,
      ...(await Promise.all(['ask', 'notify', 'refused', 'local'].map(async (n) => (await h.api('GET', `/api/v1/runs/${run.id}/nodes/${n}`)).body))),
    ]);
    expect(places.api).toContain('youSent');
    // 3. Every row of every table.
    places.database = (await databaseDump(h.databaseUrl)).text;
    expect(places.database).toContain('youSent');
    // 4. The worker's and the API's logs, the new structured lines included: activity
    // lines name their run, node and attempt; request lines their id, route, status and duration.
    places.logs = logs.join('');
    expect(places.logs).toContain('no price for model');
    const lines = places.logs.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    const unpriced = lines.find((l) => l.msg === 'no price for model; cost left null');
    expect(unpriced).toMatchObject({ runId: expect.any(String), workflow: expect.any(String), nodeId: expect.any(String), attempt: expect.any(Number) });
    expect(lines.find((l) => l.msg === 'request' && l.route === '/api/v1/runs/:id')).toMatchObject({ requestId: expect.any(String), status: 200, durationMs: expect.any(Number) });
    // 5. The metrics, API and worker (one process here).
    places.metrics = await (await fetch(`${h.url}/metrics`)).text();

    for (const [place, text] of Object.entries(places)) {
      expect(text.includes(AGENT_KEY), `agent key in ${place}`).toBe(false);
      expect(text.includes(HOOK_TOKEN), `hook token in ${place}`).toBe(false);
    }
  });

  it('refuses definitions that would put secrets where the workflow resolves them, or keys in plain text', async () => {
    const res = await h.api('POST', '/api/v1/workflows/validate', definition('leaky', [
      { id: 't', type: 'transform', output: '{{ secrets.HOOK_TOKEN }}' },
      { id: 'a', type: 'agent', agent: { provider: 'anthropic', model: 'm', prompt: 'key is {{ secrets.TEAM_KEY }}' } },
      { id: 'k', type: 'agent', agent: { provider: 'anthropic', model: 'm', prompt: 'p', apiKey: 'sk-plain-text-key' } },
      { id: 'x', type: 'transform', output: 1 },
      { id: 'mix', type: 'http', needs: ['x'], request: { url: 'https://example.com', headers: { a: '{{ secrets.HOOK_TOKEN & nodes.x.output }}' } } },
    ]));
    expect(res.status).toBe(422);
    expect(res.body.error.details.errors.map((e: { path: string }) => e.path).sort()).toEqual(['/nodes/0/output', '/nodes/1/agent/prompt', '/nodes/2/agent/apiKey', '/nodes/4/request/headers/a']);
  });

  it('fails a node whose secret the worker does not have, naming the variable', async () => {
    const run = await h.run(definition('missing-secret', [{ id: 'h', type: 'http', retry: { maxAttempts: 3 }, request: { url: `http://127.0.0.1:${port}/echo`, headers: { x: '{{ secrets.NOT_SET }}' } } }]));
    expect(run.nodes.h).toMatchObject({ status: 'failed', attempts: 1, error: { type: 'SECRET_MISSING', message: expect.stringContaining('WEFT_SECRET_NOT_SET') } });
  });
});
