import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the receiver took. */
export interface Received {
  at: number;
  headers: Record<string, string | string[] | undefined>;
  raw: string;
  body: any;
}

/**
 * A local HTTP receiver for alert notifications: records every POST and
 * answers 200. `down()` closes its port (connections are refused), `up()`
 * listens on the same port again.
 */
export interface AlertReceiver {
  url: string;
  received: Received[];
  /** Connection attempts refused while down are not seen here; the delivery log counts them. */
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

export async function startAlertReceiver(): Promise<AlertReceiver> {
  const received: Received[] = [];
  const make = () =>
    createServer((req, res) => {
      let raw = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (raw += chunk));
      req.on('end', () => {
        received.push({ at: Date.now(), headers: req.headers, raw, body: JSON.parse(raw) });
        res.writeHead(200).end('ok');
      });
    });
  let server: Server = make();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    down: close,
    async up() {
      server = make();
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    },
    close: () => (server.listening ? close() : Promise.resolve()),
  };
}
