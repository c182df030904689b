import { eq, sql, type SQL } from 'drizzle-orm';
import type { Db } from './client.js';
import { attemptCost, attemptRun } from './analytics/run-scope.js';
import { isoTime, selectRows } from './raw-query.js';
import { budgetAlerts, budgets, type BudgetAction, type BudgetPeriod } from './schema/budgets.js';

/** A budget as set through `PUT /budgets/{workflow}`. */
export interface BudgetSettings {
  workflow: string;
  period: BudgetPeriod;
  limitUsd: number;
  onExceed: BudgetAction;
  alertAt: number[];
}

/** A budget with its current period's spend (contract weft-ops §7). */
export interface BudgetStatus extends BudgetSettings {
  periodStart: string;
  periodEnd: string;
  /** Cost of the node attempts that ended this period, for this workflow (or all, for `*`), each counted once (`attemptCost`). */
  spentUsd: number;
  /** `spentUsd` extrapolated linearly to the period's end. */
  projectedUsd: number;
}

interface StatusRow {
  workflow: string;
  period: BudgetPeriod;
  limit_usd: number;
  on_exceed: BudgetAction;
  alert_at: number[];
  period_start: unknown;
  period_end: unknown;
  spent_usd: number;
  projected_usd: number;
}

/** Period budgets, their spend (computed from `node_executions`), and the thresholds they crossed. */
export class BudgetsRepo {
  constructor(private readonly db: Db) {}

  async put(settings: BudgetSettings): Promise<void> {
    const { workflow: _workflow, ...rest } = settings;
    await this.db
      .insert(budgets)
      .values(settings)
      .onConflictDoUpdate({ target: budgets.workflow, set: { ...rest, updatedAt: new Date() } });
  }

  /** Removes a budget; false when there was none. */
  async delete(workflow: string): Promise<boolean> {
    const removed = await this.db.delete(budgets).where(eq(budgets.workflow, workflow)).returning({ workflow: budgets.workflow });
    return removed.length > 0;
  }

  /**
   * Every budget (or those of the given workflow names, `*` included only when
   * named) with its spend in the current UTC period: attempts whose end falls in
   * the period, so live runs count as they go.
   */
  async status(workflows?: string[]): Promise<BudgetStatus[]> {
    return (await selectRows<StatusRow>(this.db, statusSql(workflows))).map(statusOf);
  }

  /** The budget that refuses new runs of `workflow`: a `block` one, its own or `*`, whose spend reached its limit. */
  async blocking(workflow: string): Promise<BudgetStatus | undefined> {
    const [row] = await selectRows<StatusRow>(this.db, blockingSql(workflow));
    return row && statusOf(row);
  }

  /** `blocking` as a query for a statement of the caller's (`RunsRepo.insertWithEvents`); `statusOf` reads its row. */
  blockingSql(workflow: string): SQL {
    return blockingSql(workflow);
  }

  /** A budget's status from a row of `blockingSql`'s query (or its JSON). */
  statusOf(row: Record<string, unknown>): BudgetStatus {
    return statusOf(row as unknown as StatusRow);
  }

  /** Records that a budget crossed a threshold this period; true only for the first to record it. */
  async recordCrossing(budget: BudgetStatus, threshold: number): Promise<boolean> {
    const inserted = await this.db
      .insert(budgetAlerts)
      .values({ workflow: budget.workflow, period: budget.period, periodStart: new Date(budget.periodStart), threshold, spentUsd: budget.spentUsd, limitUsd: budget.limitUsd })
      .onConflictDoNothing()
      .returning({ threshold: budgetAlerts.threshold });
    return inserted.length > 0;
  }
}

/**
 * Every budget (or those of the given workflow names, `*` included only when
 * named) with its spend in the current UTC period: attempts whose end falls in
 * the period, so live runs count as they go.
 */
function statusSql(workflows?: string[]): SQL {
  const only = workflows ? sql`where b.workflow in (${sql.join(workflows.map((w) => sql`${w}`), sql`, `)})` : sql``;
  return sql`
    select b.workflow, b.period, b.limit_usd, b.on_exceed, b.alert_at, p.period_start, p.period_end,
           s.spent_usd,
           (s.spent_usd * extract(epoch from p.period_end - p.period_start) / greatest(extract(epoch from now() - p.period_start), 1))::float8 as projected_usd
    from budgets b
    cross join lateral (
      select date_trunc(b.period, now(), 'UTC') as period_start,
             date_trunc(b.period, now(), 'UTC') + ('1 ' || b.period)::interval as period_end
    ) p
    cross join lateral (
      select coalesce(sum(${attemptCost}), 0)::float8 as spent_usd
      from node_executions ne ${attemptRun}
      where ne.ended_at >= p.period_start and ne.ended_at < p.period_end
        and (b.workflow = '*' or r.workflow_name = b.workflow)
    ) s
    ${only}
    order by b.workflow`;
}

/** The `block` budget, its own or `*`, whose spend reached its limit: what refuses new runs of `workflow`. */
function blockingSql(workflow: string): SQL {
  return sql`select * from (${statusSql([workflow, '*'])}) st where st.on_exceed = 'block' and st.spent_usd >= st.limit_usd`;
}

function statusOf(r: StatusRow): BudgetStatus {
  return {
    workflow: r.workflow,
    period: r.period,
    limitUsd: r.limit_usd,
    onExceed: r.on_exceed,
    alertAt: r.alert_at,
    periodStart: isoTime(r.period_start)!,
    periodEnd: isoTime(r.period_end)!,
    spentUsd: r.spent_usd,
    projectedUsd: r.projected_usd,
  };
}
