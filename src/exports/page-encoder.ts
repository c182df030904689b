import type { ExportRow } from '../db/export-repo.js';
import { csvRecords } from './csv.js';

export const exportFormats = ['csv', 'ndjson'] as const;
export type ExportFormat = (typeof exportFormats)[number];

/** Rows as NDJSON, one string for the page. */
function ndjsonLines(rows: readonly ExportRow[]): string {
  let out = '';
  for (const row of rows) out += `${JSON.stringify(row)}\n`;
  return out;
}

/**
 * Encodes a page of rows as one string in `format`: CSV records of `columns`
 * in order (the header row is the route's), or one JSON object a line. The
 * in-thread export and the export thread encode alike through this.
 */
export function pageEncoder(format: ExportFormat, columns: readonly string[]): (rows: readonly ExportRow[]) => string {
  return format === 'csv' ? (rows) => csvRecords(rows, columns) : ndjsonLines;
}
