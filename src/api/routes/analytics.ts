import { Router } from 'express';
import { workflowNameSchema } from '../../dag/schema.js';
import type { Repositories } from '../../db/repositories.js';
import { AnalyticsService } from '../analytics/analytics-service.js';
import { costsQuery, recommendationsQuery, summaryQuery, workflowAnalyticsQuery } from '../analytics-schemas.js';
import { requireRole } from '../auth.js';
import { parseRequest, runIdParam } from '../schemas.js';

/** `/analytics` and `/runs/{id}/critical-path` (weft-ops §7), for viewers. */
export function analyticsRouter(repos: Repositories): Router {
  const router = Router();
  const analytics = new AnalyticsService(repos);
  router.get('/analytics/summary', requireRole('viewer'), async (req, res) => {
    res.json(await analytics.summary(parseRequest(summaryQuery, req.query, 'query')));
  });

  router.get('/analytics/workflows/:name', requireRole('viewer'), async (req, res) => {
    const name = parseRequest(workflowNameSchema, req.params.name, 'workflow name');
    res.json(await analytics.workflow(name, parseRequest(workflowAnalyticsQuery, req.query, 'query')));
  });

  router.get('/analytics/costs', requireRole('viewer'), async (req, res) => {
    res.json(await analytics.costs(parseRequest(costsQuery, req.query, 'query')));
  });

  router.get('/analytics/recommendations', requireRole('viewer'), async (req, res) => {
    res.json(await analytics.recommendations(parseRequest(recommendationsQuery, req.query, 'query')));
  });

  router.get('/runs/:id/critical-path', requireRole('viewer'), async (req, res) => {
    res.json(await analytics.criticalPath(parseRequest(runIdParam, req.params.id, 'run id')));
  });

  return router;
}
