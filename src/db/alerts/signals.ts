import { sql, type SQL } from 'drizzle-orm';
import { parseDuration } from '../../dag/duration.js';
import type { RuleParams } from '../../alerts/rule-schemas.js';
import type { BudgetStatus } from '../budgets-repo.js';
import type { Db } from '../client.js';
import { isoTime, selectRows } from '../raw-query.js';
import type { AlertKind } from '../schema/alerts.js';

/** What a rule's kind found in the stored records: one alert's labels, its figure and the numbers behind it. */
export interface Signal {
  labels: Record<string, string>;
  value: number | null;
  evidence: Record<string, unknown>;
  /** Runs (run_failed) or thresholds (budget) it stands for; 1 for the other kinds. */
  count: number;
}

/** A rule as the queries need it. */
export interface SignalRule {
  kind: AlertKind;
  workflow: string;
  params: Record<string, unknown>;
}

/** Narrows the evaluation: one workflow (a run's end checks only its own). */
export interface SignalScope {
  workflow?: string;
}

const ENDED = sql`('succeeded', 'failed', 'cancelled', 'timed_out')`;
const FAILED = sql`('failed', 'timed_out')`;

function workflowFilter(column: SQL, rule: SignalRule, scope: SignalScope): SQL {
  const parts: SQL[] = [sql`true`];
  if (rule.workflow !== '*') parts.push(sql`${column} = ${rule.workflow}`);
  if (scope.workflow) parts.push(sql`${column} = ${scope.workflow}`);
  return sql.join(parts, sql` and `);
}

function since(now: Date, window: string): string {
  return new Date(now.getTime() - parseDuration(window)).toISOString();
}

/**
 * The conditions a rule's kind finds at `now`, each computed from stored runs,
 * run events and node attempts (budgets: from their spend). Every query reads
 * only what the rule's window names, through the runs' started and workflow
 * indexes or the attempts' ended index.
 */
export async function findSignals(db: Db, rule: SignalRule, now: Date, scope: SignalScope, budgets: () => Promise<BudgetStatus[]>): Promise<Signal[]> {
  const p = rule.params;
  const at = now.toISOString();
  switch (rule.kind) {
    case 'run_failed': {
      const { window } = p as RuleParams['run_failed'];
      const rows = await selectRows<{ workflow: string; count: number; run_ids: string[]; last: unknown }>(
        db,
        sql`select r.workflow_name as workflow, count(*)::int as count, (array_agg(r.id order by r.ended_at desc))[1:20] as run_ids, max(r.ended_at) as last
            from runs r
            where r.status in ${FAILED} and r.ended_at >= ${since(now, window)}::timestamptz and r.ended_at <= ${at}::timestamptz
              and ${workflowFilter(sql`r.workflow_name`, rule, scope)}
            group by r.workflow_name`,
      );
      return rows.map((r) => ({ labels: { workflow: r.workflow }, value: r.count, count: r.count, evidence: { failedRuns: r.count, runIds: r.run_ids, lastEndedAt: isoTime(r.last), window } }));
    }
    case 'stuck_run': {
      const { minutes } = p as RuleParams['stuck_run'];
      const before = new Date(now.getTime() - minutes * 60_000).toISOString();
      const rows = await selectRows<{ id: string; workflow: string; last_change: unknown }>(
        db,
        sql`select r.id, r.workflow_name as workflow, coalesce(e.last, r.started_at) as last_change
            from runs r
            left join lateral (select max(e.at) as last from run_events e where e.run_id = r.id) e on true
            where r.status = 'running' and ${workflowFilter(sql`r.workflow_name`, rule, scope)}
              and coalesce(e.last, r.started_at) < ${before}::timestamptz
              and not exists (
                select 1 from (
                  select distinct on (n.data->>'nodeId') n.data->>'status' as status
                  from run_events n where n.run_id = r.id and n.kind = 'node'
                  order by n.data->>'nodeId', n.id desc
                ) latest where latest.status = 'waiting'
              )`,
      );
      return rows.map((r) => {
        const lastChange = isoTime(r.last_change)!;
        const idleMinutes = (now.getTime() - Date.parse(lastChange)) / 60_000;
        return { labels: { workflow: r.workflow, runId: r.id }, value: idleMinutes, count: 1, evidence: { lastChangeAt: lastChange, idleMinutes, minutes } };
      });
    }
    case 'cost_spike': {
      const { factor, minRuns, window } = p as RuleParams['cost_spike'];
      const rows = await selectRows<{ id: string; workflow: string; cost_usd: number; median: number; runs: number }>(
        db,
        sql`select r.id, r.workflow_name as workflow, r.cost_usd, m.median, m.runs
            from runs r
            cross join lateral (
              select coalesce(percentile_cont(0.5) within group (order by s.cost_usd), 0)::float8 as median, count(*)::int as runs
              from (select s.cost_usd from runs s
                    where s.workflow_name = r.workflow_name and s.status = 'succeeded' and s.id <> r.id and s.ended_at <= r.ended_at
                    order by s.ended_at desc limit 100) s
            ) m
            where r.status in ${ENDED} and r.ended_at >= ${since(now, window)}::timestamptz and r.ended_at <= ${at}::timestamptz
              and ${workflowFilter(sql`r.workflow_name`, rule, scope)}
              and m.runs >= ${minRuns} and r.cost_usd > 0 and r.cost_usd > ${factor} * m.median`,
      );
      return rows.map((r) => ({
        labels: { workflow: r.workflow, runId: r.id },
        value: r.cost_usd,
        count: 1,
        evidence: { costUsd: r.cost_usd, medianUsd: r.median, succeededRuns: r.runs, factor, ratio: r.median > 0 ? r.cost_usd / r.median : null },
      }));
    }
    case 'failure_rate': {
      const { threshold, minRuns, window } = p as RuleParams['failure_rate'];
      const rows = await selectRows<{ workflow: string; runs: number; failed: number }>(
        db,
        sql`select r.workflow_name as workflow, count(*)::int as runs, (count(*) filter (where r.status in ${FAILED}))::int as failed
            from runs r
            where r.status in ${ENDED} and r.ended_at >= ${since(now, window)}::timestamptz and r.ended_at <= ${at}::timestamptz
              and ${workflowFilter(sql`r.workflow_name`, rule, scope)}
            group by r.workflow_name
            having count(*) >= ${minRuns} and (count(*) filter (where r.status in ${FAILED}))::float8 / count(*) >= ${threshold}`,
      );
      return rows.map((r) => ({ labels: { workflow: r.workflow }, value: r.failed / r.runs, count: 1, evidence: { runs: r.runs, failed: r.failed, rate: r.failed / r.runs, threshold, window } }));
    }
    case 'slow_runs': {
      const { p95Ms, minRuns, window } = p as RuleParams['slow_runs'];
      const rows = await selectRows<{ workflow: string; runs: number; p95_ms: number }>(
        db,
        sql`select r.workflow_name as workflow, count(*)::int as runs,
                   percentile_cont(0.95) within group (order by extract(epoch from r.ended_at - r.started_at) * 1000)::float8 as p95_ms
            from runs r
            where r.status in ${ENDED} and r.ended_at >= ${since(now, window)}::timestamptz and r.ended_at <= ${at}::timestamptz
              and ${workflowFilter(sql`r.workflow_name`, rule, scope)}
            group by r.workflow_name
            having count(*) >= ${minRuns}
               and percentile_cont(0.95) within group (order by extract(epoch from r.ended_at - r.started_at) * 1000) > ${p95Ms}`,
      );
      return rows.map((r) => ({ labels: { workflow: r.workflow }, value: r.p95_ms, count: 1, evidence: { runs: r.runs, p95Ms: r.p95_ms, limitMs: p95Ms, window } }));
    }
    case 'node_failing': {
      const { threshold, minRuns, window } = p as RuleParams['node_failing'];
      // A node's outcome in a run is its last attempt's.
      const rows = await selectRows<{ workflow: string; node: string; runs: number; failed: number }>(
        db,
        sql`select workflow, node, count(*)::int as runs, (count(*) filter (where status = 'failed'))::int as failed
            from (
              select distinct on (ne.run_id, ne.node_id) r.workflow_name as workflow, ne.node_id as node, ne.status
              from node_executions ne join runs r on r.id = split_part(ne.run_id, '.', 1)
              where ne.ended_at >= ${since(now, window)}::timestamptz and ne.ended_at <= ${at}::timestamptz
                and ${workflowFilter(sql`r.workflow_name`, rule, scope)}
              order by ne.run_id, ne.node_id, ne.attempt desc
            ) last_attempts
            group by workflow, node
            having count(*) >= ${minRuns} and (count(*) filter (where status = 'failed'))::float8 / count(*) >= ${threshold}`,
      );
      return rows.map((r) => ({ labels: { workflow: r.workflow, nodeId: r.node }, value: r.failed / r.runs, count: 1, evidence: { executions: r.runs, failed: r.failed, rate: r.failed / r.runs, threshold, window } }));
    }
    case 'budget': {
      const signals: Signal[] = [];
      for (const b of await budgets()) {
        if (rule.workflow !== '*' && b.workflow !== rule.workflow) continue;
        if (scope.workflow && b.workflow !== '*' && b.workflow !== scope.workflow) continue;
        const crossed = b.alertAt.filter((t) => b.spentUsd >= t * b.limitUsd);
        if (crossed.length === 0) continue;
        const threshold = crossed[crossed.length - 1]!;
        signals.push({
          labels: { workflow: b.workflow },
          value: b.spentUsd,
          count: crossed.length,
          evidence: { period: b.period, periodStart: b.periodStart, spentUsd: b.spentUsd, limitUsd: b.limitUsd, threshold, projectedUsd: b.projectedUsd, onExceed: b.onExceed },
        });
      }
      return signals;
    }
  }
}
