import { Router } from 'express';
import type { PluginRegistry } from '../../plugins/registry.js';
import { requireRole } from '../auth.js';

/** `GET /plugins`: the loaded plugins, their node types (config as JSON Schema) and hooks. */
export function pluginsRouter(plugins: PluginRegistry): Router {
  const router = Router();
  router.get('/plugins', requireRole('viewer'), (_req, res) => {
    res.json({ items: plugins.list() });
  });
  return router;
}
