import { freePort } from '../runtime/free-port.js';
import type { MetricsSource } from './exposition.js';

/**
 * Where the Temporal SDK's Prometheus exporter listens (a free loopback port,
 * never exposed) and how to read it, so the worker's `/metrics` serves its
 * `temporal_*` series next to Weft's: the SDK can only serve them on a port of its own.
 */
export async function temporalMetricsSource(): Promise<{ address: string; read: MetricsSource }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/metrics`;
  return {
    address: `127.0.0.1:${port}`,
    read: async () => {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      return res.ok ? res.text() : '';
    },
  };
}
