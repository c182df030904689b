import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client.js';
import { selectRows } from '../raw-query.js';
import { attemptCost, attemptRun, scopedAttempts, scopeFilter, type RunScope } from './run-scope.js';

/** What `GET /analytics/costs` groups attempts' costs by. */
export const costGroups = ['workflow', 'node', 'model', 'provider', 'day'] as const;
export type CostGroup = (typeof costGroups)[number];

/** A page of an aggregated list: at most `limit` rows (null: all) after `offset`. */
export interface Page {
  limit: number | null;
  offset: number;
}

/** Token counts an attempt reports (agent attempts' `detail.usage`). */
const inputTokens = sql`coalesce(sum((ne.detail->'usage'->>'inputTokens')::bigint), 0)::float8`;
const outputTokens = sql`coalesce(sum((ne.detail->'usage'->>'outputTokens')::bigint), 0)::float8`;
const runMs = sql`(extract(epoch from r.ended_at - r.started_at) * 1000)::float8`;

const COST_KEYS: Record<CostGroup, SQL> = {
  workflow: sql`r.workflow_name`,
  node: sql`r.workflow_name || '/' || ne.node_id`,
  model: sql`coalesce(ne.detail->>'model', ne.output->>'model')`,
  provider: sql`ne.output->>'provider'`,
  day: sql`to_char(ne.ended_at at time zone 'UTC', 'YYYY-MM-DD')`,
};

export interface RunTotals {
  total: number;
  succeeded: number;
  failed: number;
  cancelled: number;
  timedOut: number;
  p50: number | null;
  p95: number | null;
  costUsd: number;
}


/** Run-level analytics (weft-ops §7), each figure one SQL aggregate over `runs`, `node_executions` and `run_nodes`; critical paths are `CriticalPathsRepo`'s. */
export class AnalyticsRepo {
  constructor(private readonly db: Db) {}

  /** Counts by outcome, duration percentiles of ended runs, and cost, of the runs a scope holds. */
  async runTotals(scope: RunScope): Promise<RunTotals> {
    const [row] = await selectRows<RunTotals>(
      this.db,
      sql`
        select count(*)::int as "total",
          count(*) filter (where r.status = 'succeeded')::int as "succeeded",
          count(*) filter (where r.status = 'failed')::int as "failed",
          count(*) filter (where r.status = 'cancelled')::int as "cancelled",
          count(*) filter (where r.status = 'timed_out')::int as "timedOut",
          percentile_cont(0.5) within group (order by ${runMs}) filter (where r.ended_at is not null) as "p50",
          percentile_cont(0.95) within group (order by ${runMs}) filter (where r.ended_at is not null) as "p95",
          coalesce(sum(r.cost_usd), 0)::float8 as "costUsd"
        from runs r where ${scopeFilter(scope)}`,
    );
    return row!;
  }

  /** Tokens the scope's runs' attempts reported. */
  async tokens(scope: RunScope): Promise<{ input: number; output: number }> {
    const [row] = await selectRows<{ input: number; output: number }>(
      this.db,
      sql`select ${inputTokens} as "input", ${outputTokens} as "output" from ${scopedAttempts(scope)}`,
    );
    return row!;
  }

  /** Runs, failures and cost per UTC day the runs started. */
  async byDay(scope: RunScope): Promise<{ day: string; runs: number; failed: number; costUsd: number }[]> {
    return selectRows(
      this.db,
      sql`
        select to_char(r.started_at at time zone 'UTC', 'YYYY-MM-DD') as "day", count(*)::int as "runs",
          count(*) filter (where r.status = 'failed')::int as "failed", coalesce(sum(r.cost_usd), 0)::float8 as "costUsd"
        from runs r where ${scopeFilter(scope)}
        group by 1 order by 1`,
    );
  }

  /** Cost and tokens of the attempts that ended in `[since, until)`, grouped, costliest first. */
  async costs(window: { since: Date; until: Date }, groupBy: CostGroup, page: Page) {
    const key = COST_KEYS[groupBy];
    return selectRows<{ key: string; costUsd: number; inputTokens: number; outputTokens: number; runs: number }>(
      this.db,
      sql`
        select ${key} as "key", coalesce(sum(${attemptCost}), 0)::float8 as "costUsd", ${inputTokens} as "inputTokens", ${outputTokens} as "outputTokens",
          count(distinct r.id)::int as "runs"
        from node_executions ne ${attemptRun}
        where ne.ended_at >= ${window.since.toISOString()}::timestamptz and ne.ended_at < ${window.until.toISOString()}::timestamptz and ${key} is not null
        group by 1
        order by 2 desc, 1
        limit ${page.limit} offset ${page.offset}`,
    );
  }
}
