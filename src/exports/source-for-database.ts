import type { Database } from '../db/client.js';
import type { ExportRepo } from '../db/export-repo.js';
import { inThreadExports, type ExportSource } from './export-source.js';
import { threadExports } from './thread-exports.js';

/**
 * The export source for a process's database: on PostgreSQL each export reads
 * in a thread of its own with a small heap (see `threadExports`); on PGlite
 * (one in-process database, no other connection to open), in the API's thread.
 */
export function exportSource(database: Database, url: string | undefined, repo: ExportRepo): ExportSource {
  return database.kind === 'postgres' && url ? threadExports(url) : inThreadExports(repo);
}
