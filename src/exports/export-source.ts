import { exportColumns, type ExportDataset, type ExportFilters, type ExportRepo } from '../db/export-repo.js';
import { pageEncoder, type ExportFormat } from './page-encoder.js';

/** One export: what it reads, filtered how, encoded as what. */
export interface ExportRequest {
  dataset: ExportDataset;
  filters: ExportFilters;
  format: ExportFormat;
}

/**
 * Reads an export (contract weft-ops §14) and hands over each page encoded
 * (without the CSV header row, which is the route's). `onPage`'s promise
 * resolves once the page is written out (back-pressure), false when the
 * client has gone: the export then stops. Rejects if the reading fails.
 */
export interface ExportSource {
  read(request: ExportRequest, onPage: (chunk: string | Uint8Array) => Promise<boolean>): Promise<void>;
}

/** Reads and encodes on the calling thread (PGlite's in-process database; benches and tests of the API without PostgreSQL). */
export function inThreadExports(repo: ExportRepo): ExportSource {
  return {
    read: ({ dataset, filters, format }, onPage) => {
      const encode = pageEncoder(format, exportColumns(dataset));
      return repo.read(dataset, filters, (rows) => onPage(encode(rows)));
    },
  };
}
