import type { AlertsRepo } from '../db/alerts/alerts-repo.js';
import { findSignals } from '../db/alerts/signals.js';
import type { BudgetsRepo } from '../db/budgets-repo.js';
import type { AlertKind, AlertRuleRow, AlertSilenceRow } from '../db/schema/alerts.js';
import { conditionOf } from './conditions.js';
import { step, type Condition } from './lifecycle.js';
import { notificationOf } from './notice-payload.js';

/** run_failed groups the runs of one rule into one notice per minute (contract weft-ops §13). */
const RUN_FAILED_GROUP_MS = 60_000;

/** The kinds a run's end checks at once, so a failed run is told within seconds. */
export const RUN_END_KINDS: readonly AlertKind[] = ['run_failed', 'cost_spike', 'budget'];

export interface EvaluateDeps {
  alerts: AlertsRepo;
  budgets: Pick<BudgetsRepo, 'status'>;
}

export interface EvaluateScope {
  now?: Date;
  /** Only these kinds (a run's end: `RUN_END_KINDS`). */
  kinds?: readonly AlertKind[];
  /** Only this workflow's alerts (a run's end: the run's workflow). */
  workflow?: string;
}

/** Whether a silence covers a rule's alert with these labels. */
export function silences(silence: AlertSilenceRow, rule: AlertRuleRow, labels: Record<string, string>): boolean {
  const m = silence.matchers;
  return (m.rule === undefined || m.rule === rule.name || m.rule === rule.id) && (m.workflow === undefined || m.workflow === labels.workflow) && (m.severity === undefined || m.severity === rule.severity);
}

/**
 * Evaluates the enabled rules from stored records and stores what changed:
 * alerts' states and the notifications due (each with its pending deliveries).
 * Holds the alerts' lock, so concurrent evaluations serialize, and a
 * notification's key is unique, so none is stored twice. Returns the keys of
 * the notifications it stored, for `dispatchNotifications`.
 */
export async function evaluateAlerts(deps: EvaluateDeps, scope: EvaluateScope = {}): Promise<string[]> {
  const now = scope.now ?? new Date();
  const rules = (await deps.alerts.rules()).filter(
    (r) => r.enabled && (!scope.kinds || scope.kinds.includes(r.kind)) && (!scope.workflow || r.workflow === '*' || r.workflow === scope.workflow),
  );
  if (rules.length === 0) return [];
  return deps.alerts.locked(async (db) => {
    const active = await deps.alerts.activeSilences(now, db);
    const stored = await deps.alerts.alertsOf(
      db,
      rules.map((r) => r.id),
    );
    const keys: string[] = [];
    for (const rule of rules) {
      const signals = await findSignals(db, rule, now, scope.workflow ? { workflow: scope.workflow } : {}, () => deps.budgets.status());
      const conditions = new Map<string, Condition>(signals.map((s) => conditionOf(rule.id, rule.kind, s)).map((c) => [c.fingerprint, c]));
      // A scoped evaluation leaves other workflows' alerts as they are.
      const previous = stored.filter((a) => a.ruleId === rule.id && (!scope.workflow || a.labels.workflow === scope.workflow || a.labels.workflow === '*'));
      const fingerprints = new Set([...previous.map((a) => a.fingerprint), ...conditions.keys()]);
      for (const fingerprint of fingerprints) {
        const prev = previous.find((a) => a.fingerprint === fingerprint);
        const condition = conditions.get(fingerprint);
        const labels = condition?.labels ?? prev!.labels;
        const silenced = active.some((s) => silences(s, rule, labels));
        const timing = { forMs: rule.forMs, repeatIntervalMs: rule.repeatIntervalMs, groupMs: rule.kind === 'run_failed' ? RUN_FAILED_GROUP_MS : 0 };
        const result = step(prev, condition, timing, now, silenced);
        if (!result) continue;
        await deps.alerts.saveAlert(db, result.next);
        if (!result.notice) continue;
        const payload = notificationOf(rule, result.next, result.notice, now);
        const added = await deps.alerts.addNotification(db, {
          key: result.notice.key,
          fingerprint,
          ruleId: rule.id,
          state: result.notice.state,
          payload: payload as unknown as Record<string, unknown>,
          channels: rule.channels,
        });
        if (added) keys.push(result.notice.key);
      }
    }
    return keys;
  });
}
