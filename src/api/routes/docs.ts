import { Router } from 'express';
import { z } from 'zod';
import { authorize } from '../auth.js';
import { DOCS_CSP, renderDocsPage } from '../docs-page.js';
import { openApiDocument } from '../openapi.js';
import type { PluginRegistry } from '../../plugins/registry.js';
import { defineRoute, reply, mountRoutes, type RouteSpec } from '../route-spec.js';

const DOCS_PATH = '/api/docs';

/**
 * `GET /api/v1/openapi.json` (the document of `routes`, itself included) and
 * `GET /api/docs` (its reference page), both public; built once, at start.
 */
export function docsRouter(routes: readonly RouteSpec[], plugins: PluginRegistry): Router {
  const self = defineRoute({
    method: 'get',
    path: '/openapi.json',
    summary: 'This OpenAPI 3.1 document',
    responses: { 200: { description: 'the document', schema: z.record(z.string(), z.unknown()) } },
  },
  () => reply(200, document),
  );
  const document = openApiDocument([...routes, self], plugins);
  const page = renderDocsPage(document as Parameters<typeof renderDocsPage>[0]);
  const router = Router();
  mountRoutes(router, [self]);
  router.get(DOCS_PATH, ...authorize('get', DOCS_PATH), (_req, res) => {
    res.setHeader('Content-Security-Policy', DOCS_CSP);
    res.type('html').send(page);
  });
  return router;
}
