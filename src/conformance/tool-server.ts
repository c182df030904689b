import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the server answered (or is holding): its key and when it came and went. */
export interface ToolRequest {
  key: string | undefined;
  path: string;
  /** `Date.now()` when the request's body had arrived. */
  receivedAt: number;
  /** `Date.now()` when the answer was handed to the socket; undefined while held. */
  answeredAt?: number;
}

/** `/hold/MS` holds a request at most this long. */
const MAX_HOLD_MS = 60_000;
/** `/bytes/N` answers at most this many bytes. */
const MAX_BYTES = 10 * 1024 * 1024;

/**
 * The server the agent cases' tools call (`shared/conformance/README.md`):
 * `/echo` answers `{method, path, query, headers, body}` as JSON and
 * `/status/NNN` answers that status. It counts requests per `Idempotency-Key`
 * and logs each request's arrival and answer, so fault tests can tell a call
 * that completed before a crash from one in flight; `/hold/MS` echoes after MS
 * milliseconds (a call caught mid-flight) and `/bytes/N` answers `{data}` of N
 * characters (a large tool result).
 */
export class ToolServer {
  readonly byIdempotencyKey = new Map<string, number>();
  readonly requests: ToolRequest[] = [];
  private server: Server | undefined;

  /** Starts on a free port of 127.0.0.1; resolves to the port. */
  async start(): Promise<number> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const header = req.headers['idempotency-key'];
        const key = typeof header === 'string' ? header : undefined;
        if (key !== undefined) this.byIdempotencyKey.set(key, (this.byIdempotencyKey.get(key) ?? 0) + 1);
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const request: ToolRequest = { key, path: url.pathname, receivedAt: Date.now() };
        this.requests.push(request);
        const send = (status: number, body?: unknown) => {
          res.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json' }).end(body === undefined ? undefined : JSON.stringify(body), () => {
            request.answeredAt = Date.now();
          });
        };
        const status = /^\/status\/(\d{3})$/.exec(url.pathname);
        if (status) return send(Number(status[1]), { status: Number(status[1]) });
        const bytes = /^\/bytes\/(\d+)$/.exec(url.pathname);
        if (bytes) return send(200, { data: 'x'.repeat(Math.min(Number(bytes[1]), MAX_BYTES)) });
        const hold = /^\/hold\/(\d+)$/.exec(url.pathname);
        if (url.pathname !== '/echo' && !hold) return send(404);
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = text ? JSON.parse(text) : null;
        } catch {
          // Not JSON: echoed as text.
        }
        const answer = { method: req.method, path: url.pathname, query: Object.fromEntries(url.searchParams), headers: req.headers, body };
        if (!hold) return send(200, answer);
        setTimeout(() => send(200, answer), Math.min(Number(hold[1]), MAX_HOLD_MS));
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
