import { z } from 'zod';
import { workflowNameSchema } from '../../dag/schema.js';
import type { Repositories } from '../../db/repositories.js';
import { AnalyticsService, SINCE_AFTER_UNTIL } from '../analytics/analytics-service.js';
import {
  costsQuery,
  costsResponse,
  criticalPathResponse,
  recommendationsQuery,
  recommendationsResponse,
  summaryQuery,
  summaryResponse,
  workflowAnalyticsQuery,
  workflowAnalyticsResponse,
} from '../analytics-schemas.js';
import { defineRoute, reply, type RouteSpec } from '../route-spec.js';
import { runIdParam } from '../schemas.js';

/** The 400 of the routes that take both ends of a window. */
const windowErrors = { 400: `BAD_REQUEST: a query parameter is malformed, or \`${SINCE_AFTER_UNTIL}\` (an explicit until before since)` };

/** `/analytics` and `/runs/{id}/critical-path` (contract weft-ops §7): reads, computed from stored records. */
export function analyticsRoutes(repos: Repositories): RouteSpec[] {
  const analytics = new AnalyticsService(repos);
  const ok = <S extends z.ZodType>(description: string, schema: S) => ({ 200: { description, schema } }) as const;
  return [
    defineRoute(
      {
        method: 'get',
        path: '/analytics/summary',
        summary: 'Runs by outcome, durations, cost, tokens and days (the last 30 days by default; a since in the future without until is an empty window)',
        query: summaryQuery,
        responses: ok('the summary', summaryResponse),
        errorNotes: windowErrors,
      },
      async ({ query }) => reply(200, await analytics.summary(query)),
    ),
    defineRoute(
      {
        method: 'get',
        path: '/analytics/costs',
        summary: 'Cost and tokens grouped by workflow, node, model, provider or day, costliest first',
        query: costsQuery,
        responses: ok('a page of cost groups', costsResponse),
        errorNotes: windowErrors,
      },
      async ({ query }) => reply(200, await analytics.costs(query)),
    ),
    defineRoute(
      { method: 'get', path: '/analytics/recommendations', summary: 'Advice with the evidence it rests on, most severe first', query: recommendationsQuery, responses: ok('a page of recommendations', recommendationsResponse) },
      async ({ query }) => reply(200, await analytics.recommendations(query)),
    ),
    defineRoute(
      {
        method: 'get',
        path: '/analytics/workflows/:name',
        summary: 'A workflow and each of its nodes: executions, success, retries, fallbacks, cache hits, durations, cost, share on the critical path',
        params: z.object({ name: workflowNameSchema }),
        query: workflowAnalyticsQuery,
        responses: ok('the workflow and a page of its nodes', workflowAnalyticsResponse),
      },
      async ({ params, query }) => reply(200, await analytics.workflow(params.name, query)),
    ),
    defineRoute(
      {
        method: 'get',
        path: '/runs/:id/critical-path',
        summary: 'The chain of needs that decided when an ended run ended (409 CONFLICT while it runs)',
        params: z.object({ id: runIdParam }),
        errors: ['CONFLICT'],
        responses: ok('the critical path', criticalPathResponse),
      },
      async ({ params }) => reply(200, await analytics.criticalPath(params.id)),
    ),
  ];
}
