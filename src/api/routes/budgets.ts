import { z } from 'zod';
import type { Repositories } from '../../db/repositories.js';
import { budgetResponse, budgetWorkflowParam, listBudgetsResponse, putBudgetBody } from '../budget-schemas.js';
import { AppError } from '../errors.js';
import { defineRoute, reply, type RouteSpec } from '../route-spec.js';

const byWorkflow = z.object({ workflow: budgetWorkflowParam });

/** `/budgets`: period budgets per workflow or for all (`*`), with this period's spend (contract weft-ops §7). */
export function budgetRoutes(repos: Repositories): RouteSpec[] {
  return [
    defineRoute(
      {
        method: 'put',
        path: '/budgets/:workflow',
        summary: 'Set the period budget of a workflow (`*` for all); with onExceed block, new runs are refused once it is spent',
        params: byWorkflow,
        body: putBudgetBody,
        responses: { 200: { description: 'the budget with its current period', schema: budgetResponse } },
      },
      async ({ params, body }) => {
        await repos.budgets.put({ workflow: params.workflow, ...body });
        const [status] = await repos.budgets.status([params.workflow]);
        return reply(200, status!, { details: body });
      },
    ),
    defineRoute(
      { method: 'get', path: '/budgets', summary: 'Period budgets with spend this period and its projection to the period end', responses: { 200: { description: 'the budgets', schema: listBudgetsResponse } } },
      async () => reply(200, { items: await repos.budgets.status() }),
    ),
    defineRoute(
      { method: 'delete', path: '/budgets/:workflow', summary: 'Remove a budget', params: byWorkflow, responses: { 204: { description: 'removed' } } },
      async ({ params }) => {
        if (!(await repos.budgets.delete(params.workflow))) throw new AppError('NOT_FOUND', `no budget for ${params.workflow}`);
        return reply(204, undefined);
      },
    ),
  ];
}
