import { isTerminalRun } from '../../dag/run-state.js';
import type { CostGroup, RunTotals } from '../../db/analytics/analytics-repo.js';
import type { RunScope } from '../../db/analytics/run-scope.js';
import type { Repositories } from '../../db/repositories.js';
import { DEFAULT_WINDOW_DAYS } from '../analytics-schemas.js';
import { AppError } from '../errors.js';
import { decodePageCursor, pageOf } from './page-cursor.js';
import { budgetAdvice, cacheAdvice, modelAdvice, nodeAdvice, parallelismAdvice, severities } from './recommendations.js';

const DAY_MS = 86_400_000;

/** The 400 of a window that ends before it starts; the routes that take `until` document it. */
export const SINCE_AFTER_UNTIL = 'since must not be after until';

/**
 * The `[since, until)` a request reads: the last 30 days by default. A `since`
 * after an explicit `until` is a mistake (400); a `since` in the future with
 * no `until` is an empty window, which has nothing in it yet.
 */
function window(since: string | undefined, until: string | undefined): { since: Date; until: Date } {
  const now = new Date();
  const end = until ? new Date(until) : now;
  const start = since ? new Date(since) : new Date(end.getTime() - DEFAULT_WINDOW_DAYS * DAY_MS);
  if (start > end) {
    if (until) throw new AppError('BAD_REQUEST', SINCE_AFTER_UNTIL, { since: start.toISOString(), until: end.toISOString() });
    return { since: start, until: start };
  }
  return { since: start, until: end };
}

/** Succeeded among ended runs; null when none ended. */
function successRate(t: RunTotals): number | null {
  const ended = t.succeeded + t.failed + t.cancelled + t.timedOut;
  return ended === 0 ? null : t.succeeded / ended;
}

/** The API's analytics (weft-ops §7): shapes the repositories' aggregates into the contract's answers. */
export class AnalyticsService {
  constructor(private readonly repos: Repositories) {}

  async summary(query: { since?: string | undefined; until?: string | undefined; workflow?: string | undefined }) {
    const scope: RunScope = { ...window(query.since, query.until), workflow: query.workflow };
    const [totals, tokens, byDay] = await Promise.all([this.repos.analytics.runTotals(scope), this.repos.analytics.tokens(scope), this.repos.analytics.byDay(scope)]);
    const { p50, p95, costUsd, ...runs } = totals;
    return { since: scope.since!.toISOString(), until: scope.until!.toISOString(), runs, successRate: successRate(totals), durationMs: { p50, p95 }, costUsd, tokens, byDay };
  }

  async workflow(name: string, query: { since?: string | undefined; limit: number; cursor?: string | undefined }) {
    const scope: RunScope = { ...window(query.since, undefined), workflow: name };
    const offset = decodePageCursor(query.cursor);
    await this.repos.criticalPaths.ensure(scope);
    const [totals, nodes] = await Promise.all([this.repos.analytics.runTotals(scope), this.repos.nodeStats.nodes(scope, { limit: query.limit + 1, offset })]);
    if (totals.total === 0 && !(await this.repos.workflows.get(name))) throw new AppError('NOT_FOUND', `no stored workflow or run of ${name}`);
    const page = pageOf(nodes, query.limit, offset);
    return {
      workflow: name,
      since: scope.since!.toISOString(),
      runs: totals.total,
      successRate: successRate(totals),
      durationMs: { p50: totals.p50, p95: totals.p95 },
      costUsd: totals.costUsd,
      nodes: page.items.map((n) => ({
        id: n.id,
        type: n.type,
        executions: n.executions,
        successRate: n.succeeded / n.executions,
        attemptsMean: n.attemptsMean,
        retries: n.retries,
        fallbacks: n.fallbacks,
        cacheHitRate: n.cacheHitRate,
        durationMs: { p50: n.p50, p95: n.p95 },
        costUsd: { total: n.costTotal, mean: n.costMean },
        onCriticalPath: n.onCriticalPath,
      })),
      nextCursor: page.nextCursor,
    };
  }

  async costs(query: { since?: string | undefined; until?: string | undefined; groupBy: CostGroup; limit: number; cursor?: string | undefined }) {
    const offset = decodePageCursor(query.cursor);
    const rows = await this.repos.analytics.costs(window(query.since, query.until), query.groupBy, { limit: query.limit + 1, offset });
    return pageOf(rows, query.limit, offset);
  }

  /** The run's critical path, once it ended (409 `CONFLICT` before: its records are not all stored yet). */
  async criticalPath(runId: string) {
    const row = await this.repos.runs.get(runId);
    if (!row) throw new AppError('NOT_FOUND', `no run ${runId}`);
    if (!isTerminalRun(row.status) || !row.endedAt) throw new AppError('CONFLICT', `run ${runId} has not ended (${row.status}); its critical path is known once it ends`);
    return { totalMs: row.endedAt.getTime() - row.startedAt.getTime(), nodes: (await this.repos.criticalPaths.get(runId)) ?? (await this.repos.criticalPaths.compute(runId)) ?? [] };
  }

  /** Every recommendation for the scope's runs and the budgets that apply, most severe first. */
  async recommendations(query: { workflow?: string | undefined; since?: string | undefined; limit: number; cursor?: string | undefined }) {
    const scope: RunScope = { ...window(query.since, undefined), workflow: query.workflow };
    const offset = decodePageCursor(query.cursor);
    const all = { limit: null, offset: 0 };
    await this.repos.criticalPaths.ensure(scope);
    const [nodes, models, inputs, waits, budgets] = await Promise.all([
      this.repos.nodeStats.nodes(scope, all),
      this.repos.nodeStats.models(scope),
      this.repos.nodeStats.repeatedInputs(scope),
      this.repos.nodeStats.waits(scope),
      this.repos.budgets.status(query.workflow ? [query.workflow, '*'] : undefined),
    ]);
    const items = [...nodeAdvice(nodes), ...modelAdvice(models), ...cacheAdvice(inputs), ...parallelismAdvice(waits), ...budgetAdvice(budgets)];
    items.sort((a, b) => severities.indexOf(a.severity) - severities.indexOf(b.severity) || a.workflow.localeCompare(b.workflow) || (a.node ?? '').localeCompare(b.node ?? '') || a.kind.localeCompare(b.kind));
    return pageOf(items.slice(offset, offset + query.limit + 1), query.limit, offset);
  }
}
