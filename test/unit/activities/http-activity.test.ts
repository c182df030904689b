import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CancelledFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpActivityInput } from '../../../src/activities/contract.js';
import { createHttpActivity } from '../../../src/activities/http/http-activity.js';
import { activityEnv, failureOf, fakes, runIn, TOKEN, tokenAt, type Fakes } from './support.js';

/** runHttp through the envelope, against a local server (allowed with allowPrivate). */

let server: Server;
let base: string;
let counted = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/echo') return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ youSent: req.headers.authorization ?? null }));
    if (req.url === '/count') return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ n: ++counted }));
    if (req.url === '/missing') return res.writeHead(404).end(`no such thing for ${req.headers.authorization ?? ''}`);
    if (req.url === '/limited') return res.writeHead(429, { 'retry-after': '2' }).end('slow down');
    if (req.url === '/hang') return; // never answers: only cancellation ends the attempt
    res.writeHead(500).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const http = (f: Fakes, allowPrivate = true) => createHttpActivity({ policy: { allowPrivate, allowHosts: [] }, maxResponseBytes: 10_000, envelope: f.envelope });
const get = (path: string, extra: Partial<HttpActivityInput> = {}): HttpActivityInput => ({ nodeId: 'h', request: { url: `${base}${path}` }, ...extra });
const authorized = (path: string): HttpActivityInput => get(path, { request: { url: `${base}${path}`, headers: { authorization: '' } }, deferred: [tokenAt(['request', 'headers', 'authorization'])] });

describe('runHttp', () => {
  it('sends the revealed secret and scrubs what the server echoes, recording {request, latencyMs, status}', async () => {
    const f = fakes();
    const result = await runIn(activityEnv(), http(f), authorized('/echo'));
    expect(result).toMatchObject({ attempt: 1, output: { status: 200, body: { youSent: 'Bearer [secret]' } } });
    expect(f.rows).toEqual([expect.objectContaining({ status: 'succeeded', costUsd: null, detail: { request: { method: 'GET', url: `${base}/echo` }, latencyMs: expect.any(Number), status: 200 } })]);
    expect(JSON.stringify(f.rows)).not.toContain(TOKEN);
  });

  it('fails an unexpected status: 4xx final, 429 retried after its retry-after, secrets scrubbed from the message', async () => {
    const f = fakes();
    const missing = await failureOf(activityEnv({ attempt: 2 }).run(http(f), authorized('/missing')));
    expect(missing).toMatchObject({ type: 'HTTP_STATUS', nonRetryable: true, message: 'unexpected status 404: no such thing for Bearer [secret]', details: [{ attempt: 2 }] });
    expect(f.rows[0]).toMatchObject({ attempt: 2, status: 'failed', detail: { status: 404, latencyMs: expect.any(Number) } });
    const limited = await failureOf(activityEnv().run(http(f), get('/limited')));
    expect(limited).toMatchObject({ type: 'RATE_LIMITED', nonRetryable: false, nextRetryDelay: 2_000, details: [{ attempt: 1 }] });
  });

  it('classifies what the network throws: a refused destination is final, a failed connection is retried', async () => {
    const refused = await failureOf(activityEnv().run(http(fakes(), false), get('/echo')));
    expect(refused).toMatchObject({ type: 'DESTINATION_REFUSED', nonRetryable: true, details: [{ attempt: 1 }] });
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const f = fakes();
    const down = await failureOf(activityEnv().run(http(f), { nodeId: 'h', request: { url: `http://127.0.0.1:${port}/` } }));
    expect(down).toMatchObject({ type: 'HTTP_ERROR', nonRetryable: false, details: [{ attempt: 1 }] });
    expect(f.rows[0]).toMatchObject({ status: 'failed', detail: { status: null } });
  });

  it('serves a cached response without sending the request again', async () => {
    const f = fakes();
    const cached = get('/count', { cache: { ttlMs: 60_000 } });
    const first = await runIn(activityEnv(), http(f), cached);
    const second = await runIn(activityEnv(), http(f), cached);
    expect(second.output).toEqual(first.output);
    expect(f.rows[1]).toMatchObject({ status: 'succeeded', detail: { status: 200, latencyMs: 0, cached: true } });
    const fresh = await runIn(activityEnv(), http(f), get('/count'));
    expect((fresh.output.body as { n: number }).n).toBe((first.output.body as { n: number }).n + 1);
  });

  it('records a cancelled request and throws CancelledFailure', async () => {
    const f = fakes();
    const env = activityEnv({ heartbeatTimeoutMs: 3_000 });
    const pending = env.run(http(f), get('/hang'));
    setTimeout(() => env.cancel(), 100);
    await expect(pending).rejects.toBeInstanceOf(CancelledFailure);
    expect(f.rows).toEqual([expect.objectContaining({ status: 'cancelled' })]);
  });
});
