import { Router } from 'express';
import type { Repositories } from '../../db/repositories.js';
import { requireRole } from '../auth.js';
import { budgetWorkflowParam, putBudgetBody } from '../budget-schemas.js';
import { AppError } from '../errors.js';
import { parseRequest } from '../schemas.js';

/** `/budgets`: period budgets per workflow or for all (`*`), with this period's spend (weft-ops §7). */
export function budgetsRouter(repos: Repositories): Router {
  const router = Router();

  router.put('/budgets/:workflow', requireRole('admin'), async (req, res) => {
    const workflow = parseRequest(budgetWorkflowParam, req.params.workflow, 'workflow');
    const body = parseRequest(putBudgetBody, req.body, 'budget');
    await repos.budgets.put({ workflow, ...body });
    await repos.audit.record({ actor: req.identity?.id ?? null, action: 'budget.put', target: workflow, requestId: req.id, details: body });
    const [status] = await repos.budgets.status([workflow]);
    res.json(status);
  });

  router.get('/budgets', requireRole('viewer'), async (_req, res) => {
    res.json({ items: await repos.budgets.status() });
  });

  router.delete('/budgets/:workflow', requireRole('admin'), async (req, res) => {
    const workflow = parseRequest(budgetWorkflowParam, req.params.workflow, 'workflow');
    if (!(await repos.budgets.delete(workflow))) throw new AppError('NOT_FOUND', `no budget for ${workflow}`);
    await repos.audit.record({ actor: req.identity?.id ?? null, action: 'budget.delete', target: workflow, requestId: req.id });
    res.status(204).end();
  });

  return router;
}
