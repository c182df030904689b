import { createServer, type Server } from 'node:http';
import type { Logger } from '../logger.js';
import { serveMetrics, type MetricsSource } from './exposition.js';

/**
 * The worker's Prometheus endpoint: `GET /metrics` on `port` serves Weft's
 * metrics and the Temporal SDK's (`extra`); anything else is 404.
 */
export async function startMetricsServer(input: { port: number; host?: string; extra?: MetricsSource; logger: Logger }): Promise<{ server: Server; stop(): Promise<void> }> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    serveMetrics(req, res, input.extra).catch(
      (err: unknown) => {
        input.logger.error({ err }, 'metrics exposition failed');
        res.writeHead(500).end();
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(input.port, input.host ?? '0.0.0.0', () => resolve());
  });
  return { server, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
