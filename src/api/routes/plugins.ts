import type { PluginRegistry } from '../../plugins/registry.js';
import { pluginList } from '../responses.js';
import { defineRoute, reply, type RouteSpec } from '../route-spec.js';

/** `GET /plugins`: the loaded plugins, their node types (config as JSON Schema) and hooks. */
export function pluginRoutes(plugins: PluginRegistry): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/plugins',
      summary: 'Loaded plugins: node types (config as JSON Schema) and hooks',
      responses: { 200: { description: 'every loaded plugin', schema: pluginList } },
    },
    () => reply(200, { items: plugins.list() }),
    ),
  ];
}
