import { once } from 'node:events';
import type { Response } from 'express';
import { z } from 'zod';
import { exportDatasets, type ExportDataset, type ExportRepo, type ExportRow } from '../../db/export-repo.js';
import { csvLine, csvRecords } from '../../exports/csv.js';
import { AppError } from '../errors.js';
import { timestamp } from '../responses.js';
import { defineRoute, reply, type RouteSpec } from '../route-spec.js';

const exportQuery = z.object({
  format: z.enum(['csv', 'ndjson']).default('csv'),
  since: timestamp.optional(),
  until: timestamp.optional(),
  workflow: z.string().min(1).max(100).optional(),
  /** A run's or attempt's status; for audit, the outcome. */
  status: z.string().min(1).max(40).optional(),
});

const MEDIA = { csv: 'text/csv; charset=utf-8', ndjson: 'application/x-ndjson' } as const;

/** Rows as NDJSON, one string for the page. */
function ndjsonLines(rows: ExportRow[]): string {
  let out = '';
  for (const row of rows) out += `${JSON.stringify(row)}\n`;
  return out;
}

/** Writes and waits while the socket's buffer is full; false once the client has gone. */
async function write(res: Response, chunk: string): Promise<boolean> {
  if (res.destroyed) return false;
  if (!res.write(chunk)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
  return !res.destroyed;
}

/**
 * `GET /export/{dataset}` (contract weft-ops §14): streamed as it is read, in
 * keyset order from one snapshot, as RFC 4180 CSV (header row, formula-safe
 * cells) or NDJSON. Memory stays one page deep whatever the export's size.
 */
function exportRoute(exportsRepo: ExportRepo, dataset: ExportDataset): RouteSpec {
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
      const columns = exportsRepo.columns(dataset);
      const stamp = new Date().toISOString().replaceAll(':', '-').slice(0, 19);
      res.status(200);
      res.setHeader('content-type', MEDIA[query.format]);
      res.setHeader('content-disposition', `attachment; filename="weft-${dataset}-${stamp}.${query.format === 'csv' ? 'csv' : 'ndjson'}"`);
      res.setHeader('cache-control', 'no-store');
      const encode = query.format === 'csv' ? (rows: ExportRow[]) => csvRecords(rows, columns) : ndjsonLines;
      if (query.format === 'csv') res.write(csvLine(columns));
      res.flushHeaders();
      try {
        await exportsRepo.read(dataset, query, (rows) => write(res, encode(rows)));
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
export function exportRoutes(exportsRepo: ExportRepo): RouteSpec[] {
  return exportDatasets.map((dataset) => exportRoute(exportsRepo, dataset));
}
