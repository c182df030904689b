import { Placeholder, sql, type SQL } from 'drizzle-orm';
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

/** The part of postgres.js's client `preparedRows` and `preparedSelect` use. */
interface PostgresJs {
  unsafe(text: string, params: unknown[], options: { prepare: boolean }): Promise<unknown[]> & { values(): Promise<unknown[][]> };
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

/** A select Drizzle built, with `sql.placeholder`s for its inputs. */
interface BuiltSelect<T> {
  toSQL(): { sql: string; params: unknown[] };
  prepare(name: string): { execute(values: Record<string, unknown>): Promise<T[]> };
}

/**
 * A select built once and run many times, as `preparedRows` runs a statement,
 * each row keyed by the select's `fields` in their order, without Drizzle's
 * field-by-field row mapping: on `GET /runs` that mapping cost the API more CPU
 * than reading the rows. Only for fields the driver reads as they are meant
 * (text, numbers, booleans, JSON; times as text): no column's own mapping runs.
 * On PGlite, Drizzle's prepared query as usual.
 */
export function preparedSelect<T>(db: Db, query: BuiltSelect<T>, fields: readonly string[], name: string): (values: Record<string, unknown>) => Promise<T[]> {
  const client = (db as unknown as { $client: Partial<PostgresJs> }).$client;
  if (typeof client.unsafe !== 'function') {
    const prepared = query.prepare(name);
    return (values) => prepared.execute(values);
  }
  const unsafe = client.unsafe.bind(client);
  const { sql: text, params } = query.toSQL();
  return async (values) => {
    const rows = await unsafe(
      text,
      params.map((p) => (p instanceof Placeholder ? values[p.name] : p)),
      { prepare: true },
    ).values();
    return rows.map((row) => {
      const keyed: Record<string, unknown> = {};
      for (let i = 0; i < fields.length; i++) keyed[fields[i]!] = row[i];
      return keyed as T;
    });
  };
}
