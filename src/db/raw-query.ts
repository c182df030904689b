import { sql, type SQL } from 'drizzle-orm';
import type { Db } from './client.js';

/**
 * Runs a hand-written query and returns its rows, whichever driver is below:
 * postgres.js answers with the rows, PGlite with `{rows}`. Counts must be cast
 * to `int` in the SQL (postgres.js returns `bigint` as text).
 */
export async function selectRows<T>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as T[] | { rows: T[] };
  return Array.isArray(result) ? result : result.rows;
}

/** A timestamp from a raw row (a Date, or text on some drivers) as ISO 8601. */
export function isoTime(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return new Date(value as string | Date).toISOString();
}

/**
 * Rows as one JSON parameter that PostgreSQL expands: a `from` item yielding
 * each as `r` (jsonb), in their order. A many-row insert built value by value
 * through the query builder cost the client more CPU than the database spent
 * running it; this costs one `JSON.stringify`. Read fields with `r->>'name'`
 * (text, cast as needed) or `r->'name'` (jsonb; JSON null stays a jsonb null).
 */
export function jsonRows(rows: readonly unknown[]): SQL {
  return sql`jsonb_array_elements(${JSON.stringify(rows)}::jsonb) with ordinality as e(r, n)`;
}
