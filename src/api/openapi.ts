import { z } from 'zod';
import { agentEventData } from '../dag/agent-events.js';
import { documentedDefinitionSchema, pluginNodeSchema } from '../dag/schema.js';
import { zodToJsonSchema } from '../json-schema/from-zod.js';
import type { PluginRegistry } from '../plugins/registry.js';
import { accessFor } from './access.js';
import { ErrorCodes, type ErrorCode } from './errors.js';
import { API_BASE, type RouteSpec } from './route-spec.js';
import { SESSION_COOKIE } from './sessions/cookies.js';

type Schema = Record<string, unknown>;

/** A zod schema as the JSON Schema of what travels (a request as sent, a response as encoded). */
function toSchema(schema: z.ZodType): Schema {
  const { $schema: _dialect, ...rest } = zodToJsonSchema(schema);
  return rest;
}

/**
 * The definition schema with one node schema per loaded plugin node type: the
 * common node fields, `type` fixed, and `config` as the plugin's JSON Schema.
 */
function definitionWithPlugins(plugins: PluginRegistry): Schema {
  const definition = toSchema(documentedDefinitionSchema) as { properties: { nodes: { items: { anyOf: unknown[] } } } };
  const pluginNode = toSchema(pluginNodeSchema) as { properties: Schema };
  for (const { type, description, configSchema } of plugins.list().flatMap((p) => p.nodeTypes)) {
    definition.properties.nodes.items.anyOf.push({ ...pluginNode, description, properties: { ...pluginNode.properties, type: { const: type }, config: configSchema } });
  }
  return definition;
}

/** The error envelope of one status, its `code` limited to that status's codes. */
function errorEnvelope(status: number): Schema {
  const codes = (Object.keys(ErrorCodes) as ErrorCode[]).filter((code) => ErrorCodes[code] === status) as [ErrorCode, ...ErrorCode[]];
  return toSchema(
    z.object({
      error: z.object({
        code: z.enum(codes),
        message: z.string(),
        details: z.unknown(),
        requestId: z.string().nullable(),
        timestamp: z.iso.datetime({ offset: true }),
      }),
    }),
  );
}

/** The error codes a route may answer, from what it takes and who may call it. */
function errorCodesOf(route: RouteSpec, isPublic: boolean): Set<ErrorCode> {
  const codes = new Set<ErrorCode>(['RATE_LIMITED', 'INTERNAL', 'UNAVAILABLE', ...(route.errors ?? [])]);
  if (!isPublic) ['UNAUTHENTICATED', 'FORBIDDEN'].forEach((c) => codes.add(c as ErrorCode));
  if (route.params || route.query || route.body) codes.add('BAD_REQUEST');
  if (route.params) codes.add('NOT_FOUND');
  if (route.body) ['BAD_REQUEST', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE'].forEach((c) => codes.add(c as ErrorCode));
  return codes;
}

function parametersOf(schema: z.ZodType | undefined, where: 'path' | 'query'): Schema[] {
  if (!schema) return [];
  const { properties = {}, required = [] } = toSchema(schema) as { properties?: Record<string, Schema>; required?: string[] };
  return Object.entries(properties).map(([name, property]) => ({ name, in: where, required: where === 'path' || required.includes(name), schema: property }));
}

function requestBodyOf(route: RouteSpec): Schema | undefined {
  if (!route.body) return undefined;
  const json = route.bodyDocument ?? toSchema(route.body);
  const content = Object.fromEntries((route.bodyTypes ?? ['application/json']).map((type) => [type, { schema: type === 'application/json' ? json : { type: 'string' } }]));
  return { required: !route.body.safeParse(undefined).success, content };
}

function operationOf(route: RouteSpec): Schema {
  const { role } = accessFor(route.method, API_BASE + route.path);
  const isPublic = role === 'public';
  const responses: Record<string, Schema> = {};
  for (const [status, response] of Object.entries(route.responses)) {
    const media = [response.contentType ?? 'application/json', ...(response.alsoContentTypes ?? [])];
    responses[status] = { description: response.description, ...(response.schema ? { content: Object.fromEntries(media.map((type) => [type, { schema: toSchema(response.schema!) }])) } : {}) };
  }
  const statuses = new Set([...errorCodesOf(route, isPublic)].map((code) => ErrorCodes[code]));
  for (const status of [...statuses].sort()) responses[status] = { description: route.errorNotes?.[status] ?? `error (${status})`, content: { 'application/json': { schema: errorEnvelope(status) } } };
  const requestBody = requestBodyOf(route);
  return {
    operationId: `${route.method}${route.path.replace(/[/:](\w)/g, (_m, c: string) => c.toUpperCase()).replace(/\W/g, '')}`,
    summary: route.summary,
    tags: [route.path.split('/')[1]],
    // Who may call it (src/api/access.ts), shown by the reference page.
    'x-weft-role': role,
    ...(isPublic ? { security: [] } : {}),
    parameters: [...parametersOf(route.params, 'path'), ...parametersOf(route.query, 'query')],
    ...(requestBody ? { requestBody } : {}),
    responses,
  };
}

/** `/runs/:id` → `/runs/{id}`. */
export function openApiPath(pattern: string): string {
  return pattern.replace(/:(\w+)/g, '{$1}');
}

/** The OpenAPI 3.1 document of `/api/v1`, built from the routes' zod schemas (the ones they validate and encode with) and the loaded plugins. */
export function openApiDocument(routes: readonly RouteSpec[], plugins: PluginRegistry): Schema {
  const paths: Record<string, Record<string, Schema>> = {};
  for (const route of routes) (paths[openApiPath(route.path)] ??= {})[route.method] = operationOf(route);
  return {
    openapi: '3.1.0',
    info: { title: 'Weft API', version: '1.0.0', description: 'Durable DAG workflows of agent calls on Temporal (contracts: weft-v1, weft-ops).' },
    servers: [{ url: API_BASE }],
    // Either: an API key (machines), or the dashboard's session cookie (weft-ops §15).
    security: [{ bearer: [] }, { session: [] }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'An API key (`weft_…`), for machines and the CLI.' },
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: SESSION_COOKIE,
          description:
            'A person signed in with the OpenID provider (GET /auth/login). Mutations with the cookie also need `X-CSRF-Token` (from GET /whoami) and a same-origin `Origin`; otherwise 403.',
        },
      },
      // The data of `agent` events on a run's stream (GET /runs/{id}/events).
      schemas: { Definition: definitionWithPlugins(plugins), AgentEvent: toSchema(agentEventData) },
    },
    paths,
  };
}
