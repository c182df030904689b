import type { RequestHandler } from 'express';
import { metricsRegistry } from './registry.js';

/** More Prometheus text to serve after Weft's own (the Temporal SDK's metrics). */
export type MetricsSource = () => Promise<string>;

/** Weft's metrics followed by `extra`'s, in Prometheus text format; a source that fails is left out rather than failing the scrape. */
export async function metricsText(extra?: MetricsSource): Promise<string> {
  const [own, more] = await Promise.all([metricsRegistry.metrics(), extra?.().catch(() => '') ?? Promise.resolve('')]);
  return more ? `${own}\n${more}` : own;
}

/** `GET /metrics` for Express. */
export function metricsHandler(extra?: MetricsSource): RequestHandler {
  return async (_req, res) => {
    res.setHeader('Content-Type', metricsRegistry.contentType);
    res.send(await metricsText(extra));
  };
}
