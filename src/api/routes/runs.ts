import { Router } from 'express';
import { nodeIdSchema } from '../../dag/schema.js';
import type { Repositories } from '../../db/repositories.js';
import { requireRole } from '../auth.js';
import type { RunsService } from '../runs-service.js';
import { approvalBody, budgetBody, listRunsQuery, parseRequest, rerunBody, runIdParam, startRunBody } from '../schemas.js';

/** `/runs`: start, read, list and cancel runs. */
export function runsRouter(runs: RunsService, repos: Repositories): Router {
  const router = Router();

  router.post('/runs', requireRole('operator'), async (req, res) => {
    const body = parseRequest(startRunBody, req.body, 'run request');
    const started = await runs.start(body, req.identity?.id ?? null);
    await repos.audit.record({ actor: req.identity?.id ?? null, action: 'run.start', target: started.id, requestId: req.id });
    res.status(202).json(started);
  });

  router.post('/runs/:id/rerun', requireRole('operator'), async (req, res) => {
    const id = parseRequest(runIdParam, req.params.id, 'run id');
    const { from } = parseRequest(rerunBody, req.body ?? {}, 'rerun request');
    const started = await runs.rerun(id, from, req.identity?.id ?? null);
    await repos.audit.record({ actor: req.identity?.id ?? null, action: 'run.rerun', target: started.id, requestId: req.id, details: { rerunOf: id, from } });
    res.status(202).json(started);
  });

  router.get('/runs', requireRole('viewer'), async (req, res) => {
    res.json(await runs.list(parseRequest(listRunsQuery, req.query, 'query')));
  });

  router.get('/runs/:id', requireRole('viewer'), async (req, res) => {
    res.json(await runs.get(parseRequest(runIdParam, req.params.id, 'run id')));
  });

  router.get('/runs/:id/nodes/:nodeId', requireRole('viewer'), async (req, res) => {
    const id = parseRequest(runIdParam, req.params.id, 'run id');
    const nodeId = parseRequest(nodeIdSchema, req.params.nodeId, 'node id');
    res.json(await runs.node(id, nodeId));
  });

  router.post('/runs/:id/cancel', requireRole('operator'), async (req, res) => {
    const id = parseRequest(runIdParam, req.params.id, 'run id');
    const result = await runs.cancel(id);
    await repos.audit.record({ actor: req.identity?.id ?? null, action: 'run.cancel', target: id, requestId: req.id });
    res.status(202).json(result);
  });

  router.post('/runs/:id/approvals/:nodeId', requireRole('operator'), async (req, res) => {
    const id = parseRequest(runIdParam, req.params.id, 'run id');
    const nodeId = parseRequest(nodeIdSchema, req.params.nodeId, 'node id');
    const body = parseRequest(approvalBody, req.body, 'approval');
    const output = await runs.approve(id, nodeId, body, req.identity?.name ?? 'unknown');
    await repos.audit.record({ actor: req.identity?.id ?? null, action: body.approved ? 'run.approve' : 'run.reject', target: `${id}/${nodeId}`, requestId: req.id, details: { comment: body.comment ?? null } });
    res.json(output);
  });

  for (const action of ['pause', 'resume'] as const) {
    router.post(`/runs/:id/${action}`, requireRole('operator'), async (req, res) => {
      const id = parseRequest(runIdParam, req.params.id, 'run id');
      const result = await runs.signal(id, action);
      await repos.audit.record({ actor: req.identity?.id ?? null, action: `run.${action}`, target: id, requestId: req.id });
      res.status(202).json(result);
    });
  }

  router.post('/runs/:id/budget', requireRole('operator'), async (req, res) => {
    const id = parseRequest(runIdParam, req.params.id, 'run id');
    const body = parseRequest(budgetBody, req.body, 'budget');
    const result = await runs.signal(id, body);
    await repos.audit.record({ actor: req.identity?.id ?? null, action: 'run.budget', target: id, requestId: req.id, details: body });
    res.status(202).json({ ...result, budgetUsd: body.budgetUsd });
  });

  return router;
}
