import type { Database } from '../db/client.js';
import { exportColumns, type ExportDataset, type ExportFilters, type ExportRepo } from '../db/export-repo.js';
import { pageEncoder, type ExportFormat } from './page-encoder.js';
import { threadExports } from './thread-exports.js';

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

/** Reads and encodes on the calling thread (PGlite: one in-process database, no other connection to open). */
export function inThreadExports(repo: ExportRepo): ExportSource {
  return {
    read: ({ dataset, filters, format }, onPage) => {
      const encode = pageEncoder(format, exportColumns(dataset));
      return repo.read(dataset, filters, (rows) => onPage(encode(rows)));
    },
  };
}

/**
 * The export source for a process's database: on PostgreSQL each export reads
 * in a thread of its own with a small heap (see `threadExports`); on PGlite,
 * in the API's thread.
 */
export function exportSource(database: Database, url: string | undefined, repo: ExportRepo): ExportSource {
  return database.kind === 'postgres' && url ? threadExports(url) : inThreadExports(repo);
}
