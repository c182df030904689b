import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SecretStore } from '../../../src/activities/secrets.js';
import { createLogger } from '../../../src/logger.js';
import type { PluginAttemptTools } from '../../../src/activities/plugin/plugin-context.js';

/** One request a local test server received. */
export interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A server on 127.0.0.1 whose answers the test scripts; it records every request. */
export async function localServer(answer: (req: Received, res: ServerResponse) => void): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(r);
      answer(r, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An attempt's tools as the envelope would give them, with secrets from `WEFT_SECRET_*`. */
export function attemptTools(secrets: Record<string, string> = {}, overrides: Partial<PluginAttemptTools> = {}): PluginAttemptTools {
  const store = SecretStore.fromEnv(Object.fromEntries(Object.entries(secrets).map(([k, v]) => [`WEFT_SECRET_${k}`, v])));
  return {
    runId: 'run_1',
    workflow: 'wf',
    attempt: 1,
    signal: new AbortController().signal,
    idempotencyKey: 'run_1/node_1',
    heartbeat: () => {},
    logger: createLogger('silent'),
    secret: (name) => store.require(name),
    ...overrides,
  };
}

/** What a promise rejected with (fails the test if it resolved). */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
}
