import { doublePrecision, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

export const budgetPeriods = ['day', 'week', 'month'] as const;
/** A budget's period: calendar day, ISO week (from Monday) or month, in UTC. */
export type BudgetPeriod = (typeof budgetPeriods)[number];

export const budgetActions = ['alert', 'block'] as const;
/** What happens once spend reaches the limit: only the hook, or also refusing new runs. */
export type BudgetAction = (typeof budgetActions)[number];

/** Period budgets (contract weft-ops §7), one per workflow name or `*` for all workflows together. */
export const budgets = pgTable('budgets', {
  workflow: text('workflow').primaryKey(),
  period: text('period').$type<BudgetPeriod>().notNull(),
  limitUsd: doublePrecision('limit_usd').notNull(),
  onExceed: text('on_exceed').$type<BudgetAction>().notNull(),
  /** Shares of the limit at which `onBudget` fires, e.g. [0.8, 1]. */
  alertAt: jsonb('alert_at').$type<number[]>().notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Thresholds a budget crossed, one row per (budget, period, threshold): the
 * key makes `onBudget` fire once per period however many workers see it.
 */
export const budgetAlerts = pgTable(
  'budget_alerts',
  {
    workflow: text('workflow').notNull(),
    period: text('period').$type<BudgetPeriod>().notNull(),
    periodStart: timestamp('period_start', { withTimezone: true }).notNull(),
    threshold: doublePrecision('threshold').notNull(),
    spentUsd: doublePrecision('spent_usd').notNull(),
    limitUsd: doublePrecision('limit_usd').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: 'budget_alerts_pk', columns: [t.workflow, t.period, t.periodStart, t.threshold] })],
);

export type BudgetRow = typeof budgets.$inferSelect;
