import { createServer, type Server } from 'node:http';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentNode, createHarness, definition, type Harness } from '../support/harness.js';

/** `cache: {ttl}` on agent and http nodes, and `totalTimeout`. */
let h: Harness;
let server: Server;
let hits = 0;
let port = 0;

beforeAll(async () => {
  server = createServer((_req, res) => {
    hits += 1;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ hit: hits }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
  h = await createHarness({ workerEnv: { WEFT_HTTP_ALLOW_PRIVATE: '1' } });
});
afterAll(async () => {
  await h?.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('cache', () => {
  const cachedAgent = (prompt: string) => definition('cached', [{ id: 'a', type: 'agent', cache: { ttl: '1h' }, agent: { provider: 'offline', prompt, mock: { text: `answer to ${prompt}`, costUsd: 0.5 } } }]);

  it('serves a repeated agent call from the cache at no cost, and misses on other input or once expired', async () => {
    const first = await h.run(cachedAgent('what is weft?'));
    expect(first.nodes.a).toMatchObject({ costUsd: 0.5, output: { cached: false } });
    const second = await h.run(cachedAgent('what is weft?'));
    expect(second.nodes.a).toMatchObject({ costUsd: 0, output: { cached: true, text: 'answer to what is weft?' } });
    expect(second.costUsd).toBe(0);
    const other = await h.run(cachedAgent('what is warp?'));
    expect(other.nodes.a!.output).toMatchObject({ cached: false });
    await h.database.db.execute(sql`update cache_entries set expires_at = now() - interval '1 second'`);
    const expired = await h.run(cachedAgent('what is weft?'));
    expect(expired.nodes.a).toMatchObject({ costUsd: 0.5, output: { cached: false } });
    await h.recordHistory('cache', second.id);
  });

  it('serves a repeated http request from the cache without calling the endpoint', async () => {
    const call = definition('cached-http', [{ id: 'h', type: 'http', cache: { ttl: '10m' }, request: { url: `http://127.0.0.1:${port}/count` } }]);
    const before = hits;
    const first = await h.run(call);
    const second = await h.run(call);
    expect(hits - before).toBe(1);
    expect(second.nodes.h!.output).toEqual(first.nodes.h!.output);
  });
});

describe('totalTimeout', () => {
  it('bounds every attempt and fallback together', async () => {
    const run = await h.run(
      definition('total', [
        {
          ...agentNode('slow', { failAlways: true, delay: '400ms' }, { retry: { maxAttempts: 10, initialInterval: '100ms', backoffCoefficient: 1 }, totalTimeout: '1500ms' }),
          fallback: [{ mock: { text: 'too late', delay: '5s' } }],
        },
      ]),
    );
    // Not the policy's attempts running out, nor the fallback answering: the shared deadline.
    expect(run.nodes.slow).toMatchObject({ status: 'failed', error: { type: 'TIMEOUT', message: 'totalTimeout 1500ms exceeded' } });
    await h.recordHistory('total-timeout', run.id);
  });
});
