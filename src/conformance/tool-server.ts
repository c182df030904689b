import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The server the agent cases' tools call (`shared/conformance/README.md`):
 * `/echo` answers `{method, path, query, headers, body}` as JSON and
 * `/status/NNN` answers that status. It counts requests per `Idempotency-Key`.
 */
export class ToolServer {
  readonly byIdempotencyKey = new Map<string, number>();
  private server: Server | undefined;

  /** Starts on a free port of 127.0.0.1; resolves to the port. */
  async start(): Promise<number> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const key = req.headers['idempotency-key'];
        if (typeof key === 'string') this.byIdempotencyKey.set(key, (this.byIdempotencyKey.get(key) ?? 0) + 1);
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const status = /^\/status\/(\d{3})$/.exec(url.pathname);
        if (status) {
          res.writeHead(Number(status[1]), { 'content-type': 'application/json' }).end(JSON.stringify({ status: Number(status[1]) }));
          return;
        }
        if (url.pathname !== '/echo') {
          res.writeHead(404).end();
          return;
        }
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = text ? JSON.parse(text) : null;
        } catch {
          // Not JSON: echoed as text.
        }
        const answer = { method: req.method, path: url.pathname, query: Object.fromEntries(url.searchParams), headers: req.headers, body };
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
      });
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
