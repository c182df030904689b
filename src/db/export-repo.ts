import { sql, type SQL } from 'drizzle-orm';
import type { Db } from './client.js';
import { attemptCost, attemptRun } from './analytics/run-scope.js';
import { isoTime, selectRows } from './raw-query.js';

export const exportDatasets = ['runs', 'node-executions', 'costs', 'audit'] as const;
export type ExportDataset = (typeof exportDatasets)[number];

export interface ExportFilters {
  since?: Date | undefined;
  until?: Date | undefined;
  workflow?: string | undefined;
  status?: string | undefined;
}

/** One exported row: its columns in order, every value a string, number, boolean or null. */
export type ExportRow = Record<string, string | number | boolean | null>;

/** Rows read per query: large enough to keep the round trips few, small enough to keep memory flat. */
const PAGE = 2_000;

interface Dataset {
  columns: readonly string[];
  /** One page after `after` (the keyset of the last row read, or null). */
  page(f: ExportFilters, after: unknown[] | null): SQL;
  /** The row as exported. */
  row(raw: Record<string, unknown>): ExportRow;
  /** A row's keyset (asked of each page's last row only). */
  key(raw: Record<string, unknown>): unknown[];
}

const time = (column: SQL, f: ExportFilters): SQL[] => [
  ...(f.since ? [sql`${column} >= ${f.since.toISOString()}::timestamptz`] : []),
  ...(f.until ? [sql`${column} < ${f.until.toISOString()}::timestamptz`] : []),
];
/** A timestamp as ISO 8601 text, formatted by PostgreSQL: no Date object per cell on the way out. */
const iso = (column: string): SQL => sql.raw(`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);
const and = (parts: SQL[]): SQL => sql.join([sql`true`, ...parts], sql` and `);
const errorCode = (e: unknown) => ((e as { code?: string; type?: string } | null)?.code ?? (e as { type?: string } | null)?.type ?? null) as string | null;
const errorMessage = (e: unknown) => ((e as { message?: string } | null)?.message ?? null) as string | null;
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/**
 * Attempts keyed by their unique (run, node, attempt), whose index serves the
 * order and the keyset, joined to their run (a loop or map part's `<run>.<suffix>` to the run it is part of).
 */
function attemptPage(f: ExportFilters, after: unknown[] | null, extra: SQL[], columns: SQL, join: SQL = sql`left join runs r on r.id = split_part(ne.run_id, '.', 1)`): SQL {
  const key = after ? [sql`(ne.run_id, ne.node_id, ne.attempt) > (${after[0]}, ${after[1]}, ${after[2]})`] : [];
  const filters = [...time(sql`ne.ended_at`, f), ...(f.workflow ? [sql`r.workflow_name = ${f.workflow}`] : []), ...(f.status ? [sql`ne.status = ${f.status}`] : []), ...extra, ...key];
  return sql`select ${columns} from node_executions ne ${join} where ${and(filters)} order by ne.run_id, ne.node_id, ne.attempt limit ${PAGE}`;
}

const DATASETS: Record<ExportDataset, Dataset> = {
  runs: {
    columns: ['id', 'workflow', 'version', 'status', 'degraded', 'costUsd', 'startedAt', 'endedAt', 'durationMs', 'trigger', 'createdBy', 'errorCode', 'errorMessage'],
    page: (f, after) => {
      // The keyset's time goes as text, so its microseconds survive the round trip.
      const key = after ? [sql`(r.started_at, r.id) > (${after[0]}::timestamptz, ${after[1]})`] : [];
      const filters = [...time(sql`r.started_at`, f), ...(f.workflow ? [sql`r.workflow_name = ${f.workflow}`] : []), ...(f.status ? [sql`r.status = ${f.status}`] : []), ...key];
      return sql`select r.id, r.workflow_name, r.workflow_version, r.status, r.degraded, r.cost_usd, r.started_at, r.started_at::text as started_key, r.ended_at,
                        r.trigger->>'type' as trigger, r.created_by, r.error
                 from runs r where ${and(filters)} order by r.started_at, r.id limit ${PAGE}`;
    },
    key: (r) => [r.started_key, r.id],
    row: (r) => {
      const startedAt = isoTime(r.started_at);
      const endedAt = isoTime(r.ended_at);
      return {
        id: r.id as string,
        workflow: r.workflow_name as string,
        version: num(r.workflow_version),
        status: r.status as string,
        degraded: Boolean(r.degraded),
        costUsd: Number(r.cost_usd),
        startedAt,
        endedAt,
        durationMs: startedAt && endedAt ? Date.parse(endedAt) - Date.parse(startedAt) : null,
        trigger: (r.trigger as string | null) ?? null,
        createdBy: (r.created_by as string | null) ?? null,
        errorCode: errorCode(r.error),
        errorMessage: errorMessage(r.error),
      };
    },
  },
  'node-executions': {
    columns: ['runId', 'workflow', 'nodeId', 'attempt', 'status', 'fallback', 'startedAt', 'endedAt', 'durationMs', 'costUsd', 'errorType', 'errorMessage'],
    // The query names and types its columns as exported, in order: its rows go out as they are read,
    // with no object per row on the way (the export's largest dataset; weft-ops §14's memory target).
    page: (f, after) =>
      attemptPage(
        f,
        after,
        [],
        sql`ne.run_id as "runId", r.workflow_name as workflow, ne.node_id as "nodeId", ne.attempt, ne.status, ne.fallback, ${iso('ne.started_at')} as "startedAt", ${iso('ne.ended_at')} as "endedAt",
            (extract(epoch from ne.ended_at - ne.started_at) * 1000)::float8 as "durationMs", ne.cost_usd as "costUsd", ne.error->>'type' as "errorType", ne.error->>'message' as "errorMessage"`,
      ),
    key: (r) => [r.runId, r.nodeId, r.attempt],
    row: (r) => r as ExportRow,
  },
  costs: {
    columns: ['runId', 'workflow', 'nodeId', 'attempt', 'provider', 'model', 'inputTokens', 'outputTokens', 'costUsd', 'endedAt'],
    page: (f, after) =>
      attemptPage(
        f,
        after,
        [sql`ne.cost_usd is not null`],
        sql`ne.run_id, ne.node_id, ne.attempt, ne.ended_at, r.workflow_name, ne.output->>'provider' as provider, coalesce(ne.detail->>'model', ne.output->>'model') as model,
            (ne.detail->'usage'->>'inputTokens')::bigint as input_tokens, (ne.detail->'usage'->>'outputTokens')::bigint as output_tokens, (${attemptCost})::float8 as cost`,
        attemptRun,
      ),
    key: (r) => [r.run_id, r.node_id, r.attempt],
    row: (r) => ({
      runId: r.run_id as string,
      workflow: r.workflow_name as string,
      nodeId: r.node_id as string,
      attempt: Number(r.attempt),
      provider: (r.provider as string | null) ?? null,
      model: (r.model as string | null) ?? null,
      inputTokens: num(r.input_tokens),
      outputTokens: num(r.output_tokens),
      costUsd: Number(r.cost),
      endedAt: isoTime(r.ended_at),
    }),
  },
  audit: {
    columns: ['id', 'at', 'actorKeyId', 'actorName', 'actorRole', 'action', 'target', 'outcome', 'status', 'requestId', 'ip', 'userAgent', 'details'],
    page: (f, after) => {
      const filters = [...time(sql`a.at`, f), ...(f.status ? [sql`a.outcome = ${f.status}`] : []), ...(after ? [sql`a.id > ${after[0]}`] : [])];
      return sql`select a.* from audit_log a where ${and(filters)} order by a.id limit ${PAGE}`;
    },
    key: (r) => [r.id],
    row: (r) => ({
      id: Number(r.id),
      at: isoTime(r.at),
      actorKeyId: (r.actor as string | null) ?? null,
      actorName: (r.actor_name as string | null) ?? null,
      actorRole: (r.actor_role as string | null) ?? null,
      action: r.action as string,
      target: (r.target as string | null) ?? null,
      outcome: r.outcome as string,
      status: num(r.status),
      requestId: (r.request_id as string | null) ?? null,
      ip: (r.ip as string | null) ?? null,
      userAgent: (r.user_agent as string | null) ?? null,
      details: r.details === null || r.details === undefined ? null : JSON.stringify(r.details),
    }),
  },
};

/** A dataset's exported columns, in order (no database needed: the CSV header goes out before the first page is read). */
export function exportColumns(dataset: ExportDataset): readonly string[] {
  return DATASETS[dataset].columns;
}

/** Reads exports (contract weft-ops §14): one snapshot, in keyset pages. */
export class ExportRepo {
  constructor(private readonly db: Db) {}

  /**
   * Calls `onPage` with each page of rows in keyset order, all read in one
   * read-only REPEATABLE READ transaction: every page sees the same snapshot,
   * so rows written meanwhile neither appear nor shift the pages. `onPage`
   * uses the rows before it returns (it encodes them), and its promise
   * resolves once they are written out (back-pressure); resolving false stops
   * the export (the client went away).
   */
  async read(dataset: ExportDataset, filters: ExportFilters, onPage: (rows: ExportRow[]) => Promise<boolean>): Promise<void> {
    const spec = DATASETS[dataset];
    await this.db.transaction(
      async (tx) => {
        let after: unknown[] | null = null;
        for (;;) {
          let raw: Record<string, unknown>[] | null = await selectRows<Record<string, unknown>>(tx as unknown as Db, spec.page(filters, after));
          const count = raw.length;
          if (count === 0) return;
          after = spec.key(raw[count - 1]!);
          const written = onPage(raw.map(spec.row));
          // Dropped before the wait and the next query: memory holds one page, and a page
          // that lived on through the next page's reading would be kept long enough to be
          // promoted to V8's old generation, which only a full collection frees.
          raw = null;
          if (!(await written)) return;
          if (count < PAGE) return;
        }
      },
      { isolationLevel: 'repeatable read', accessMode: 'read only' },
    );
  }
}
