import type { RequestHandler } from 'express';
import { metricsRegistry } from './registry.js';
import { SeriesText } from './series-text.js';

/** More Prometheus text to serve after Weft's own (the Temporal SDK's metrics). */
export type MetricsSource = () => Promise<string>;

/** One per process, like the registry: it remembers each series' text between scrapes. */
const ownText = new SeriesText(metricsRegistry);

/** Weft's metrics followed by `extra`'s, in Prometheus text format; a source that fails is left out rather than failing the scrape. */
export async function metricsText(extra?: MetricsSource): Promise<string> {
  const more = (await extra?.().catch(() => '')) ?? '';
  const own = ownText.render();
  return more ? `${own}\n${more}` : own;
}

/**
 * `GET /metrics` for Express. Sent with `res.end`, not `res.send`: `send` hashes
 * the whole body for an ETag (megabytes with many workflows), which no scraper uses.
 */
export function metricsHandler(extra?: MetricsSource): RequestHandler {
  return async (_req, res) => {
    const text = await metricsText(extra);
    res.setHeader('Content-Type', metricsRegistry.contentType);
    res.end(text);
  };
}
