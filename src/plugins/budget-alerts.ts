import type { BudgetsRepo } from '../db/budgets-repo.js';
import type { RunSnapshot } from '../dag/run-state.js';
import { HookName } from './contract.js';
import type { HookDispatcher } from './hook-dispatcher.js';

/**
 * Fires `onBudget` for each threshold a run's budgets (its workflow's and `*`)
 * have crossed this period, as a run ends in the worker (the API runs no
 * hooks). The crossing row is unique per (budget, period, threshold), so a
 * threshold fires once per period however many workers finish runs at once.
 */
export function budgetAlerts(budgets: BudgetsRepo, hooks: HookDispatcher): (run: RunSnapshot) => Promise<void> {
  return async (run) => {
    for (const budget of await budgets.status([run.workflow, '*'])) {
      for (const threshold of budget.alertAt) {
        if (budget.spentUsd < threshold * budget.limitUsd) continue;
        if (!(await budgets.recordCrossing(budget, threshold))) continue;
        await hooks.deliver([
          {
            eventId: `budget:${budget.workflow}:${budget.period}:${budget.periodStart}:${threshold}`,
            type: HookName.OnBudget,
            at: new Date().toISOString(),
            runId: run.id,
            workflow: run.workflow,
            budget: { ...budget, threshold },
          },
        ]);
      }
    }
  };
}
