import { z } from 'zod';
import { workflowNameSchema } from '../dag/schema.js';
import { budgetActions, budgetPeriods } from '../db/schema/budgets.js';

/** Request and response shapes of `/budgets` (weft-ops §7). */

/** A workflow name, or `*` for every workflow together. */
export const budgetWorkflowParam = z.union([z.literal('*'), workflowNameSchema]);

/** `PUT /budgets/{workflow}`. */
export const putBudgetBody = z.strictObject({
  period: z.enum(budgetPeriods),
  limitUsd: z.number().positive(),
  onExceed: z.enum(budgetActions).default('alert'),
  /** Shares of the limit at which `onBudget` fires, each once per period. */
  alertAt: z
    .array(z.number().positive().max(10))
    .max(10)
    .default([0.8, 1])
    .transform((shares) => [...new Set(shares)].sort((a, b) => a - b)),
});

/** One budget with its current period. */
export const budgetResponse = z.object({
  workflow: z.string(),
  period: z.enum(budgetPeriods),
  limitUsd: z.number(),
  onExceed: z.enum(budgetActions),
  alertAt: z.array(z.number()),
  periodStart: z.iso.datetime(),
  periodEnd: z.iso.datetime(),
  spentUsd: z.number(),
  projectedUsd: z.number(),
});

/** `GET /budgets`. */
export const listBudgetsResponse = z.object({ items: z.array(budgetResponse) });
