import { Router } from 'express';
import { nodeIdSchema } from '../../dag/schema.js';
import type { Repositories } from '../../db/repositories.js';
import { requireRole } from '../auth.js';
import type { RunsService } from '../runs-service.js';
import { listRunsQuery, parseRequest, runIdParam, startRunBody } from '../schemas.js';

/** `/runs`: start, read, list and cancel runs. */
export function runsRouter(runs: RunsService, repos: Repositories): Router {
  const router = Router();

  router.post('/runs', requireRole('operator'), async (req, res) => {
    const body = parseRequest(startRunBody, req.body, 'run request');
    const started = await runs.start(body, req.identity?.id ?? null);
    await repos.audit.record({ actor: req.identity?.id ?? null, action: 'run.start', target: started.id, requestId: req.id });
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

  return router;
}
