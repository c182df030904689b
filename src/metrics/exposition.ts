import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { ExpositionCache } from './exposition-cache.js';
import { metricsRegistry, seriesChanges } from './registry.js';

/** More Prometheus text to serve after Weft's own (the Temporal SDK's metrics). */
export type MetricsSource = () => Promise<string>;

/** One per process, like the registry: it keeps the text between scrapes. */
const own = new ExpositionCache(metricsRegistry, seriesChanges);

/**
 * Re-renders and compresses now what changed since the last scrape, as the
 * exposition's background refresh does within about a second of a change
 * (the benchmark's steady state; a process about to be scraped).
 */
export function settleMetrics(): void {
  own.settle();
}

/** Weft's metrics followed by `extra`'s, in Prometheus text format; a source that fails is left out rather than failing the scrape. */
export async function metricsText(extra?: MetricsSource): Promise<string> {
  const more = await readExtra(extra);
  const text = own.text();
  return more ? `${text}\n${more}` : text;
}

/**
 * Answers a scrape: gzip when the client accepts it (Prometheus always does),
 * built from the cache's members without compressing the unchanged text again;
 * plain text otherwise. Shared by the API's `GET /metrics` and the worker's endpoint.
 */
export async function serveMetrics(req: IncomingMessage, res: ServerResponse, extra?: MetricsSource): Promise<void> {
  res.setHeader('Content-Type', metricsRegistry.contentType);
  res.setHeader('Vary', 'Accept-Encoding');
  if (!acceptsGzip(req.headers['accept-encoding'])) {
    res.end(await metricsText(extra));
    return;
  }
  const more = await readExtra(extra);
  const members = own.gzip();
  if (more) members.push(gzipSync(`\n${more}`));
  res.setHeader('Content-Encoding', 'gzip');
  // One buffer: a copy of half a megabyte costs less than a thousand chunks through the stream.
  res.end(Buffer.concat(members));
}

async function readExtra(extra?: MetricsSource): Promise<string> {
  return (await extra?.().catch(() => '')) ?? '';
}

/** Whether an `Accept-Encoding` header accepts gzip (by name or `*`) with a non-zero quality. */
export function acceptsGzip(header: string | string[] | undefined): boolean {
  const value = Array.isArray(header) ? header.join(',') : (header ?? '');
  return value.split(',').some((entry) => {
    const [coding, ...params] = entry.split(';').map((part) => part.trim().toLowerCase());
    if (coding !== 'gzip' && coding !== '*') return false;
    const q = params.find((param) => param.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}
