import { once } from 'node:events';
import type { Response } from 'express';
import { z } from 'zod';
import { exportColumns, exportDatasets, type ExportDataset } from '../../db/export-repo.js';
import { csvLine } from '../../exports/csv.js';
import type { ExportSource } from '../../exports/export-source.js';
import { exportFormats } from '../../exports/page-encoder.js';
import { AppError } from '../errors.js';
import { timestamp } from '../responses.js';
import { defineRoute, reply, type RouteSpec } from '../route-spec.js';

const exportQuery = z.object({
  format: z.enum(exportFormats).default('csv'),
  since: timestamp.optional(),
  until: timestamp.optional(),
  workflow: z.string().min(1).max(100).optional(),
  /** A run's or attempt's status; for audit, the outcome. */
  status: z.string().min(1).max(40).optional(),
});

const MEDIA = { csv: 'text/csv; charset=utf-8', ndjson: 'application/x-ndjson' } as const;

/** Writes and waits while the socket's buffer is full; false once the client has gone. */
async function write(res: Response, chunk: string | Uint8Array): Promise<boolean> {
  if (res.destroyed) return false;
  if (!res.write(chunk)) {
    // The listener that did not fire goes too: left behind, one a wait, they piled up on the response.
    const waited = new AbortController();
    await Promise.race([once(res, 'drain', { signal: waited.signal }), once(res, 'close', { signal: waited.signal })]).finally(() => waited.abort());
  }
  return !res.destroyed;
}

/**
 * `GET /export/{dataset}` (contract weft-ops §14): streamed as it is read, in
 * keyset order from one snapshot, as RFC 4180 CSV (header row, formula-safe
 * cells) or NDJSON, read by `source` (on PostgreSQL, a thread of its own).
 * Memory stays one or two pages deep whatever the export's size.
 */
function exportRoute(source: ExportSource, dataset: ExportDataset): RouteSpec {
  return defineRoute(
    {
      method: 'get',
      path: `/export/${dataset}`,
      summary: `Export ${dataset} as CSV or NDJSON, streamed from one snapshot`,
      query: exportQuery,
      responses: {
        200: { description: 'the rows: CSV with a header row, or one JSON object a line', contentType: 'text/csv', alsoContentTypes: ['application/x-ndjson'], schema: z.string() },
      },
    },
    async ({ query, req }) => {
      if (query.since && query.until && query.since > query.until) throw new AppError('BAD_REQUEST', 'since is after until');
      const res = req.res!;
      const columns = exportColumns(dataset);
      const stamp = new Date().toISOString().replaceAll(':', '-').slice(0, 19);
      res.status(200);
      res.setHeader('content-type', MEDIA[query.format]);
      res.setHeader('content-disposition', `attachment; filename="weft-${dataset}-${stamp}.${query.format === 'csv' ? 'csv' : 'ndjson'}"`);
      res.setHeader('cache-control', 'no-store');
      if (query.format === 'csv') res.write(csvLine(columns));
      res.flushHeaders();
      try {
        const { format, since, until, workflow, status } = query;
        await source.read({ dataset, format, filters: { since, until, workflow, status } }, (chunk) => write(res, chunk));
        res.end();
      } catch (err) {
        // The status is sent already: a broken stream is all a client can be told.
        res.destroy(err as Error);
      }
      return reply(200, '');
    },
  );
}

/** The four export routes. */
export function exportRoutes(source: ExportSource): RouteSpec[] {
  return exportDatasets.map((dataset) => exportRoute(source, dataset));
}
