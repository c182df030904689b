import { createServer } from 'node:net';

/** Test code picks ports the way Weft does. */
export { freePort } from '../../src/runtime/free-port.js';

/**
 * The first of `count` consecutive ports free on loopback right now, for servers
 * that take a base port and count up from it (the Temporal server's services),
 * below 32768 (Temporal keeps membership ports in a smallint column).
 */
export async function freePortRange(count: number): Promise<number> {
  for (let tries = 0; tries < 100; tries++) {
    const base = 20_000 + Math.floor(Math.random() * (12_000 - count));
    let free = true;
    for (let port = base; free && port < base + count; port++) free = await isFree(port);
    if (free) return base;
  }
  throw new Error(`no ${count} consecutive free ports found`);
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
