import { sql, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
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

/** Renders a query as its text and parameters, as the database's own `execute` would. */
const dialect = new PgDialect();

/** The part of postgres.js's client `preparedRows` uses. */
interface PostgresJs {
  unsafe(text: string, params: unknown[], options: { prepare: boolean }): Promise<unknown[]>;
}

/**
 * `selectRows` for a statement run on every run's path, prepared on PostgreSQL:
 * postgres.js names it after its text once per connection, so PostgreSQL parses
 * and plans it once there instead of at every call (Drizzle sends a statement
 * unnamed unless it is a query built with `.prepare(name)`). Only for a
 * statement whose text takes a few forms: each form stays prepared on every
 * connection for its life. On PGlite, as `selectRows`.
 */
export async function preparedRows<T>(db: Db, query: SQL): Promise<T[]> {
  const client = (db as unknown as { $client: Partial<PostgresJs> }).$client;
  if (typeof client.unsafe !== 'function') return selectRows<T>(db, query);
  const { sql: text, params } = dialect.sqlToQuery(query);
  return (await client.unsafe(text, params, { prepare: true })) as T[];
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
