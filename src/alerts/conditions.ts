import { createHash } from 'node:crypto';
import type { Signal } from '../db/alerts/signals.js';
import type { AlertKind } from '../db/schema/alerts.js';
import type { Condition } from './lifecycle.js';

/** An alert's name: its rule and its labels, in a stable order. */
export function fingerprintOf(ruleId: string, labels: Record<string, string>): string {
  const sorted = Object.keys(labels)
    .sort()
    .map((k) => [k, labels[k]]);
  return createHash('sha256').update(JSON.stringify([ruleId, sorted])).digest('hex').slice(0, 32);
}

const money = (usd: unknown) => `$${Number(usd).toFixed(4)}`;
const percent = (share: unknown) => `${(Number(share) * 100).toFixed(1)}%`;

/** One line saying what a signal shows. */
function summaryOf(kind: AlertKind, s: Signal): string {
  const e = s.evidence;
  const wf = s.labels.workflow;
  switch (kind) {
    case 'run_failed':
      return `${e.failedRuns} run(s) of ${wf} failed in the last ${e.window}: ${(e.runIds as string[]).join(', ')}`;
    case 'stuck_run':
      return `run ${s.labels.runId} of ${wf} has had no node state change for ${Number(e.idleMinutes).toFixed(1)} min`;
    case 'cost_spike':
      return `run ${s.labels.runId} of ${wf} cost ${money(e.costUsd)}, over ${e.factor}× the median ${money(e.medianUsd)} of its last ${e.succeededRuns} succeeded runs`;
    case 'failure_rate':
      return `${e.failed} of ${e.runs} runs of ${wf} failed in the last ${e.window} (${percent(e.rate)} ≥ ${percent(e.threshold)})`;
    case 'slow_runs':
      return `p95 duration of ${wf} is ${Math.round(Number(e.p95Ms))} ms over the last ${e.window} (limit ${e.limitMs} ms)`;
    case 'node_failing':
      return `node ${s.labels.nodeId} of ${wf} failed in ${e.failed} of ${e.executions} runs in the last ${e.window} (${percent(e.rate)})`;
    case 'budget':
      return `budget ${wf}: ${money(e.spentUsd)} spent of ${money(e.limitUsd)} this ${e.period} (${percent(e.threshold)} threshold crossed)`;
  }
}

/** The condition of a rule's signal. */
export function conditionOf(ruleId: string, kind: AlertKind, signal: Signal): Condition {
  return {
    fingerprint: fingerprintOf(ruleId, signal.labels),
    ruleId,
    labels: signal.labels,
    summary: summaryOf(kind, signal),
    evidence: signal.evidence,
    value: signal.value,
    count: signal.count,
  };
}
