import type { BudgetStatus } from '../../db/budgets-repo.js';
import type { ModelStats, NodeStats, RepeatedInputs, WaitStats } from '../../db/analytics/node-stats-repo.js';

export const recommendationKinds = ['flaky_node', 'failing_node', 'slow_node', 'cheaper_model', 'cache_candidate', 'raise_parallelism', 'budget_pressure'] as const;
export type RecommendationKind = (typeof recommendationKinds)[number];
export const severities = ['high', 'medium', 'low'] as const;
export type Severity = (typeof severities)[number];

/** One piece of advice, with the figures (`evidence`) it rests on, each an aggregate of stored rows. */
export interface Recommendation {
  kind: RecommendationKind;
  workflow: string;
  node: string | null;
  severity: Severity;
  evidence: Record<string, unknown>;
  suggestion: string;
}

/** Fewer runs than this say nothing about a node or workflow. */
export const MIN_RUNS = 3;
/** A share of runs worth acting on (retries, failures, waits). */
const NOTABLE_SHARE = 0.2;
/** A node on the critical path in at least this share of runs, taking at least this share of the run's p95, is slow. */
const CRITICAL_SHARE = 0.5;
const SLOW_SHARE_OF_RUN = 0.5;
/** A model this much cheaper per success, succeeding within this many points as often, is worth trying. */
const CHEAPER_BY = 0.2;
const SUCCESS_TOLERANCE = 0.1;
/** Runs that repeated an earlier run's prompt, as a share of executions, that make a cache pay. */
const REPEAT_SHARE = 0.3;

const round = (n: number) => Math.round(n * 1000) / 1000;
const severityOf = (share: number): Severity => (share >= 0.5 ? 'high' : share >= 0.3 ? 'medium' : 'low');

/** `flaky_node`, `failing_node` and `slow_node`, from per-node statistics. */
export function nodeAdvice(nodes: readonly NodeStats[]): Recommendation[] {
  const out: Recommendation[] = [];
  for (const n of nodes) {
    if (n.executions < MIN_RUNS) continue;
    const at = { workflow: n.workflow, node: n.id };
    const retryShare = n.succeededAfterRetry / n.executions;
    if (retryShare >= NOTABLE_SHARE) {
      out.push({ kind: 'flaky_node', ...at, severity: severityOf(retryShare), evidence: { executions: n.executions, succeededAfterRetry: n.succeededAfterRetry, share: round(retryShare), attemptsMean: round(n.attemptsMean) }, suggestion: `${n.id} needed retries to succeed in ${Math.round(retryShare * 100)}% of runs: find what makes it fail transiently (rate limits, timeouts) before it runs out of attempts` });
    }
    const failShare = n.failed / n.executions;
    if (failShare >= NOTABLE_SHARE) {
      out.push({ kind: 'failing_node', ...at, severity: severityOf(failShare), evidence: { executions: n.executions, failed: n.failed, share: round(failShare) }, suggestion: `${n.id} failed in ${Math.round(failShare * 100)}% of runs: fix its cause, add a fallback, or set onFailure if the run can do without it` });
    }
    if (n.p95 !== null && n.runP95 && n.longestPath > 1 && n.onCriticalPath >= CRITICAL_SHARE && n.p95 >= SLOW_SHARE_OF_RUN * n.runP95) {
      out.push({ kind: 'slow_node', ...at, severity: n.onCriticalPath >= 0.9 ? 'high' : 'medium', evidence: { executions: n.executions, p50Ms: round(n.p50 ?? 0), p95Ms: round(n.p95), runP95Ms: round(n.runP95), onCriticalPath: round(n.onCriticalPath) }, suggestion: `${n.id} is on the critical path in ${Math.round(n.onCriticalPath * 100)}% of runs and its p95 is ${Math.round((n.p95 / n.runP95) * 100)}% of the run's: speed it up (smaller model, cache, split) or move work off its path` });
    }
  }
  return out;
}

/** `cheaper_model`: per node, a model cheaper per success than the primary's that succeeds about as often. */
export function modelAdvice(models: readonly ModelStats[]): Recommendation[] {
  const byNode = new Map<string, ModelStats[]>();
  for (const m of models) byNode.set(`${m.workflow}\u0000${m.node}`, [...(byNode.get(`${m.workflow}\u0000${m.node}`) ?? []), m]);
  const out: Recommendation[] = [];
  for (const stats of byNode.values()) {
    const usable = stats.filter((m) => m.attempts >= MIN_RUNS && m.meanCostUsd !== null);
    const primary = usable.filter((m) => !m.asFallback).sort((a, b) => b.attempts - a.attempts)[0] ?? usable.sort((a, b) => b.attempts - a.attempts)[0];
    if (!primary) continue;
    const primaryRate = primary.succeeded / primary.attempts;
    const cheaper = usable
      .filter((m) => m !== primary && m.meanCostUsd! <= primary.meanCostUsd! * (1 - CHEAPER_BY) && m.succeeded / m.attempts >= primaryRate - SUCCESS_TOLERANCE)
      .sort((a, b) => a.meanCostUsd! - b.meanCostUsd!)[0];
    if (!cheaper) continue;
    const saving = 1 - cheaper.meanCostUsd! / primary.meanCostUsd!;
    out.push({
      kind: 'cheaper_model',
      workflow: primary.workflow,
      node: primary.node,
      severity: saving >= 0.5 ? 'medium' : 'low',
      evidence: {
        model: primary.model,
        modelAttempts: primary.attempts,
        modelSuccessRate: round(primaryRate),
        modelMeanCostUsd: primary.meanCostUsd,
        cheaperModel: cheaper.model,
        cheaperAttempts: cheaper.attempts,
        cheaperSuccessRate: round(cheaper.succeeded / cheaper.attempts),
        cheaperMeanCostUsd: cheaper.meanCostUsd,
      },
      suggestion: `${cheaper.model} succeeds about as often as ${primary.model} on ${primary.node} at ${Math.round(saving * 100)}% less per success: make it the primary model (or the tier's)`,
    });
  }
  return out;
}

/** `cache_candidate`: an agent node without `cache` whose resolved prompt recurs across runs. */
export function cacheAdvice(inputs: readonly RepeatedInputs[]): Recommendation[] {
  return inputs
    .filter((i) => !i.cached && i.executions >= MIN_RUNS && i.mostRepeated >= 2 && (i.executions - i.distinctInputs) / i.executions >= REPEAT_SHARE)
    .map((i) => {
      const share = (i.executions - i.distinctInputs) / i.executions;
      return { kind: 'cache_candidate', workflow: i.workflow, node: i.node, severity: severityOf(share), evidence: { executions: i.executions, distinctInputs: i.distinctInputs, mostRepeated: i.mostRepeated, repeatShare: round(share) }, suggestion: `${i.node} got a prompt it had already answered in ${Math.round(share * 100)}% of runs: set cache: {ttl} on it` };
    });
}

/** `raise_parallelism`: ready nodes often held back from starting. */
export function parallelismAdvice(waits: readonly WaitStats[]): Recommendation[] {
  return waits
    .filter((w) => w.runs >= MIN_RUNS && w.runsWithWaits / w.runs >= NOTABLE_SHARE)
    .map((w) => {
      const share = w.runsWithWaits / w.runs;
      return { kind: 'raise_parallelism', workflow: w.workflow, node: null, severity: severityOf(share), evidence: { runs: w.runs, runsWithWaits: w.runsWithWaits, meanWaitedMs: round(w.meanWaitedMs), maxWaitedMs: round(w.maxWaitedMs), maxParallel: w.maxParallel }, suggestion: `ready nodes waited to start in ${Math.round(share * 100)}% of runs (up to ${Math.round(w.maxWaitedMs)} ms): raise limits.maxParallel above ${w.maxParallel} if what they call allows it` };
    });
}

/** `budget_pressure`: a period budget spent, projected past its limit, or past its first alert. */
export function budgetAdvice(budgets: readonly BudgetStatus[]): Recommendation[] {
  const out: Recommendation[] = [];
  for (const b of budgets) {
    const firstAlert = Math.min(...b.alertAt, 1);
    const severity: Severity | null = b.spentUsd >= b.limitUsd ? 'high' : b.projectedUsd >= b.limitUsd ? 'medium' : b.spentUsd >= firstAlert * b.limitUsd ? 'low' : null;
    if (!severity) continue;
    out.push({
      kind: 'budget_pressure',
      workflow: b.workflow,
      node: null,
      severity,
      evidence: { period: b.period, periodStart: b.periodStart, limitUsd: b.limitUsd, spentUsd: b.spentUsd, projectedUsd: round(b.projectedUsd), onExceed: b.onExceed },
      suggestion: `the ${b.period} budget of ${b.workflow} is ${severity === 'high' ? 'spent' : `projected at $${round(b.projectedUsd)} of $${b.limitUsd}`}: raise it, or cut cost (cheaper models, cache) or run frequency`,
    });
  }
  return out;
}
