import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPrivateAddress } from '../../src/activities/http/destination-guard.js';
import { createHarness, definition, type Harness } from '../support/harness.js';

/** http nodes against a local server: templates, statuses, retries, size cap, and the SSRF guard. */
let server: Server;
let port = 0;
const hits = new Map<string, number>();
let open: Harness; // WEFT_HTTP_ALLOW_PRIVATE=1
let guarded: Harness; // default policy, with `localhost` allow-listed

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    const count = (hits.get(url.pathname) ?? 0) + 1;
    hits.set(url.pathname, count);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(body));
      };
      if (url.pathname === '/echo') return json(200, { method: req.method, query: Object.fromEntries(url.searchParams), headers: req.headers, body: Buffer.concat(chunks).toString() });
      if (url.pathname.startsWith('/flaky-500')) return count === 1 ? json(503, { error: 'down' }) : json(200, { ok: count });
      if (url.pathname.startsWith('/limited')) return count === 1 ? json(429, { error: 'slow down' }, { 'retry-after': '1' }) : json(200, { ok: count });
      if (url.pathname.startsWith('/missing')) return json(404, { error: 'nope' });
      if (url.pathname === '/big') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        return res.end('x'.repeat(20_000));
      }
      if (url.pathname === '/to-private') {
        res.writeHead(302, { location: `http://127.0.0.1:${port}/echo` });
        return res.end();
      }
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('plain text');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
  [open, guarded] = await Promise.all([
    createHarness({ workerEnv: { WEFT_HTTP_ALLOW_PRIVATE: '1', WEFT_HTTP_MAX_RESPONSE_BYTES: '4096' } }),
    createHarness({ workerEnv: { WEFT_HTTP_ALLOW_HOSTS: 'localhost' } }),
  ]);
});

afterAll(async () => {
  await Promise.all([open?.close(), guarded?.close()]);
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const httpNode = (id: string, request: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  id,
  type: 'http',
  retry: { maxAttempts: 3, initialInterval: '10ms', backoffCoefficient: 1 },
  request,
  ...extra,
});

describe('http node', () => {
  it('sends templated url, query, headers and JSON body, and parses a JSON response', async () => {
    const run = await open.run(
      definition('http-echo', [
        { id: 'who', type: 'transform', output: { name: 'ada', n: 2 } },
        httpNode('call', {
          method: 'POST',
          url: `http://127.0.0.1:${port}/echo`,
          query: { q: '{{ nodes.who.output.name }}' },
          headers: { 'x-trace': 'run-{{ run.workflow }}' },
          body: { user: '{{ nodes.who.output }}' },
        }, { needs: ['who'] }),
        { id: 'use', type: 'transform', needs: ['call'], output: '{{ nodes.call.output.body.query.q }}' },
      ]),
    );
    expect(run.status).toBe('succeeded');
    const output = run.nodes.call!.output as { status: number; headers: Record<string, string>; body: any };
    expect(output.status).toBe(200);
    expect(output.headers['content-type']).toBe('application/json');
    expect(output.body).toMatchObject({ method: 'POST', query: { q: 'ada' }, headers: { 'x-trace': 'run-http-echo', 'content-type': 'application/json' } });
    expect(JSON.parse(output.body.body)).toEqual({ user: { name: 'ada', n: 2 } });
    expect(run.nodes.use!.output).toBe('ada');
    await open.recordHistory('http-node', run.id);
  });

  it('retries 5xx and 429 (after retry-after); does not retry an unexpected 4xx; accepts expectStatus', async () => {
    const run = await open.run(
      definition('http-statuses', [
        httpNode('flaky', { url: `http://127.0.0.1:${port}/flaky-500` }, { onFailure: 'continue' }),
        httpNode('limited', { url: `http://127.0.0.1:${port}/limited` }, { onFailure: 'continue' }),
        httpNode('missing', { url: `http://127.0.0.1:${port}/missing` }, { onFailure: 'continue' }),
        httpNode('expected', { url: `http://127.0.0.1:${port}/missing-ok` }, { expectStatus: [404] }),
        httpNode('text', { url: `http://127.0.0.1:${port}/plain` }),
      ]),
    );
    expect(run.nodes.flaky).toMatchObject({ status: 'succeeded', attempts: 2, output: { body: { ok: 2 } } });
    expect(run.nodes.limited).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(run.nodes.missing).toMatchObject({ status: 'failed', attempts: 1, error: { type: 'HTTP_STATUS' } });
    expect(run.nodes.expected).toMatchObject({ status: 'succeeded', output: { status: 404 } });
    expect(run.nodes.text!.output).toMatchObject({ body: 'plain text' });
  });

  it('refuses a response over the size cap without retrying', async () => {
    const run = await open.run(definition('http-big', [httpNode('big', { url: `http://127.0.0.1:${port}/big` })]));
    expect(run.nodes.big).toMatchObject({ status: 'failed', attempts: 1, error: { type: 'RESPONSE_TOO_LARGE' } });
  });
});

describe('SSRF guard', () => {
  it('classifies private, loopback and link-local addresses, IPv4-mapped included', () => {
    for (const ip of ['127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1']) {
      expect(isPrivateAddress(ip), ip).toBe(true);
    }
    for (const ip of ['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8']) expect(isPrivateAddress(ip), ip).toBe(false);
  });

  it('refuses loopback destinations by default, whether named by IP or resolved from a name, and at redirects', async () => {
    const run = await guarded.run(
      definition('ssrf', [
        httpNode('by_ip', { url: `http://127.0.0.1:${port}/echo` }, { onFailure: 'continue' }),
        httpNode('metadata', { url: 'http://169.254.169.254/latest/meta-data/' }, { onFailure: 'continue' }),
        httpNode('allowed', { url: `http://localhost:${port}/echo` }, { onFailure: 'continue' }),
        httpNode('redirected', { url: `http://localhost:${port}/to-private` }, { onFailure: 'continue' }),
      ]),
    );
    expect(run.nodes.by_ip).toMatchObject({ status: 'failed', attempts: 1, error: { type: 'DESTINATION_REFUSED' } });
    expect(run.nodes.metadata).toMatchObject({ status: 'failed', attempts: 1, error: { type: 'DESTINATION_REFUSED' } });
    // `localhost` is on this worker's allow-list (WEFT_HTTP_ALLOW_HOSTS); its redirect to a bare loopback IP is not.
    expect(run.nodes.allowed).toMatchObject({ status: 'succeeded', output: { status: 200 } });
    expect(run.nodes.redirected).toMatchObject({ status: 'failed', error: { type: 'DESTINATION_REFUSED' } });
  });
});
