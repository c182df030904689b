import type { AddressInfo } from 'node:net';
import express, { Router } from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { errorMiddleware } from '../../src/api/errors.js';
import { runList, timestamp } from '../../src/api/responses.js';
import { defineRoute, mountRoutes, reply, type MountOptions } from '../../src/api/route-spec.js';
import { createLogger } from '../../src/logger.js';

/** A body the runs list's schema refuses: no field but `id`, and that one a number. */
const offSchema = { items: [{ id: 7 }], nextCursor: null };

const routes = [
  // The runs list, sent in wire form, answering a body its schema refuses.
  defineRoute({ method: 'get', path: '/runs', summary: 'runs', responses: { 200: { description: 'a page', schema: runList, wireForm: true } } }, () => reply(200, offSchema as never)),
  // A codec (Date → ISO text): encoded whatever the setting.
  defineRoute({ method: 'get', path: '/workflows', summary: 'when', responses: { 200: { description: 'a time', schema: z.object({ at: timestamp }) } } }, () => reply(200, { at: new Date(Date.UTC(2026, 0, 2)) })),
];

const servers: { close(): void }[] = [];
afterEach(() => servers.splice(0).forEach((s) => s.close()));

/** The routes mounted as the API mounts them, behind an admin identity, listening on a free port. */
async function serve(options: MountOptions): Promise<string> {
  const app = express();
  app.use((req, _res, next) => {
    req.id = 'test';
    req.identity = { kind: 'key', id: 'k', name: 'admin', role: 'admin', ref: 'key:k' };
    next();
  });
  const router = Router();
  mountRoutes(router, routes, options);
  app.use(router);
  app.use(errorMiddleware(createLogger('silent')));
  const server = app.listen(0);
  servers.push(server);
  await new Promise((resolve) => server.once('listening', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
}

describe('route replies', () => {
  it('check a wire-form body against its schema where responses are checked (the default): off the schema, a 500', async () => {
    const base = await serve({});
    expect((await fetch(`${base}/runs`)).status).toBe(500);
  });

  it('send a wire-form body as it is where responses are not checked (weft api)', async () => {
    const base = await serve({ checkResponses: false });
    const res = await fetch(`${base}/runs`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(offSchema);
  });

  it('encode every other body through its schema either way', async () => {
    for (const checkResponses of [true, false]) {
      const res = await fetch(`${await serve({ checkResponses })}/workflows`);
      expect(await res.json()).toEqual({ at: '2026-01-02T00:00:00.000Z' });
    }
  });
});
