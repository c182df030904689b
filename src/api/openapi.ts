import { documentedDefinitionSchema, pluginNodeSchema } from '../dag/schema.js';
import { zodToJsonSchema as toSchema } from '../json-schema/from-zod.js';
import type { PluginRegistry } from '../plugins/registry.js';
import { ErrorCodes } from './errors.js';
import { costsResponse, criticalPathResponse, recommendationsResponse, summaryResponse, workflowAnalyticsResponse } from './analytics-schemas.js';
import { budgetResponse, listBudgetsResponse, putBudgetBody } from './budget-schemas.js';
import { rerunBody, rerunResponse, startRunBody } from './schemas.js';

const errorEnvelope = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'requestId', 'timestamp'],
      properties: {
        code: { type: 'string', enum: Object.keys(ErrorCodes) },
        message: { type: 'string' },
        details: {},
        requestId: { type: 'string' },
        timestamp: { type: 'string', format: 'date-time' },
      },
    },
  },
};

const json = (schema: object) => ({ 'application/json': { schema } });
const errors = { default: { description: 'error envelope', content: json({ $ref: '#/components/schemas/Error' }) } };
const ok = (description: string) => ({ description, content: json({ type: 'object' }) });
const okWith = (description: string, schema: string) => ({ description, content: json({ $ref: `#/components/schemas/${schema}` }) });
const body = (schema: string) => ({ content: json({ $ref: `#/components/schemas/${schema}` }) });

/**
 * The definition schema with one node schema per loaded plugin node type: the
 * common node fields, `type` fixed, and `config` as the plugin's JSON Schema.
 */
function definitionWithPlugins(plugins: PluginRegistry): Record<string, unknown> {
  const definition = toSchema(documentedDefinitionSchema) as { properties: { nodes: { items: { anyOf: unknown[] } } } };
  const pluginNode = toSchema(pluginNodeSchema) as { properties: Record<string, unknown> };
  for (const { type, description, configSchema } of plugins.list().flatMap((p) => p.nodeTypes)) {
    definition.properties.nodes.items.anyOf.push({ ...pluginNode, description, properties: { ...pluginNode.properties, type: { const: type }, config: configSchema } });
  }
  return definition;
}

/** The OpenAPI 3.1 document of `/api/v1`, built from the zod schemas the API validates with and the loaded plugins. */
export function openApiDocument(plugins: PluginRegistry): object {
  return {
    openapi: '3.1.0',
    info: { title: 'Weft API', version: '1.0.0', description: 'Durable DAG workflows of agent calls on Temporal (contract: weft-v1).' },
    servers: [{ url: '/api/v1' }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        Definition: definitionWithPlugins(plugins),
        StartRun: toSchema(startRunBody),
        Rerun: toSchema(rerunBody),
        RerunAccepted: toSchema(rerunResponse),
        PutBudget: toSchema(putBudgetBody),
        Budget: toSchema(budgetResponse),
        Budgets: toSchema(listBudgetsResponse),
        AnalyticsSummary: toSchema(summaryResponse),
        WorkflowAnalytics: toSchema(workflowAnalyticsResponse),
        Costs: toSchema(costsResponse),
        CriticalPath: toSchema(criticalPathResponse),
        Recommendations: toSchema(recommendationsResponse),
        Error: errorEnvelope,
      },
    },
    paths: {
      '/workflows': {
        get: { summary: 'List workflows', responses: { 200: ok('workflows'), ...errors } },
        post: {
          summary: 'Store a definition (JSON or application/yaml)',
          requestBody: { content: { ...json({ $ref: '#/components/schemas/Definition' }), 'application/yaml': { schema: { type: 'string' } } } },
          responses: { 200: ok('same content as the latest version'), 201: ok('new version'), ...errors },
        },
      },
      '/workflows/validate': {
        post: {
          summary: 'Validate without storing',
          requestBody: { content: json({ $ref: '#/components/schemas/Definition' }) },
          responses: { 200: ok('valid, with its plan'), ...errors },
        },
      },
      '/workflows/{name}': { get: { summary: 'Latest version of a workflow', responses: { 200: ok('definition'), ...errors } } },
      '/workflows/{name}/versions/{version}': { get: { summary: 'One version', responses: { 200: ok('definition'), ...errors } } },
      '/workflows/{name}/diagram': {
        get: { summary: 'The DAG as a Mermaid flowchart (?format=mermaid&version=)', responses: { 200: { description: 'diagram', content: { 'text/vnd.mermaid': { schema: { type: 'string' } } } }, ...errors } },
      },
      '/workflows/{name}/estimate': { post: { summary: 'Expected cost range of a run', responses: { 200: ok('{minUsd, maxUsd, basis, nodes, unpriced}'), ...errors } } },
      '/runs/{id}/nodes/{nodeId}': { get: { summary: 'A node with every attempt', responses: { 200: ok('node'), ...errors } } },
      '/runs/{id}/approvals/{nodeId}': { post: { summary: 'Decide an approval (409 NOT_WAITING if that node is not waiting)', responses: { 200: ok('decision'), ...errors } } },
      '/runs/{id}/pause': { post: { summary: 'Pause: start no new nodes', responses: { 202: ok('accepted'), ...errors } } },
      '/runs/{id}/resume': { post: { summary: 'Resume a paused run', responses: { 202: ok('accepted'), ...errors } } },
      '/runs/{id}/budget': { post: { summary: 'Raise the live budget {budgetUsd}', responses: { 202: ok('accepted'), ...errors } } },
      '/runs': {
        get: { summary: 'List runs, newest first', responses: { 200: ok('{items, nextCursor}'), ...errors } },
        post: {
          summary: 'Start a run of a stored workflow or an ad-hoc definition',
          requestBody: { content: json({ $ref: '#/components/schemas/StartRun' }) },
          responses: { 202: ok('{id, status, workflow, version}'), ...errors },
        },
      },
      '/runs/{id}': { get: { summary: 'A run with its node records', responses: { 200: ok('run'), ...errors } } },
      '/runs/{id}/rerun': {
        post: { summary: 'Re-run an ended run from its failed nodes or a node (409 CONFLICT while it runs)', requestBody: body('Rerun'), responses: { 202: okWith('the new run', 'RerunAccepted'), ...errors } },
      },
      '/runs/{id}/cancel': { post: { summary: 'Cancel a run', responses: { 202: ok('accepted'), ...errors } } },
      '/runs/{id}/critical-path': { get: { summary: 'The chain of needs that decided when an ended run ended (409 CONFLICT while it runs)', responses: { 200: okWith('critical path', 'CriticalPath'), ...errors } } },
      '/analytics/summary': { get: { summary: 'Runs by outcome, durations, cost, tokens and days (?since=&until=&workflow=)', responses: { 200: okWith('summary', 'AnalyticsSummary'), ...errors } } },
      '/analytics/workflows/{name}': { get: { summary: 'A workflow and each of its nodes (?since=&limit=&cursor=)', responses: { 200: okWith('workflow analytics', 'WorkflowAnalytics'), ...errors } } },
      '/analytics/costs': { get: { summary: 'Cost and tokens grouped by workflow, node, model, provider or day, costliest first (?since=&until=&groupBy=&limit=&cursor=)', responses: { 200: okWith('costs', 'Costs'), ...errors } } },
      '/analytics/recommendations': { get: { summary: 'Advice with its evidence, most severe first (?workflow=&since=&limit=&cursor=)', responses: { 200: okWith('recommendations', 'Recommendations'), ...errors } } },
      '/budgets': { get: { summary: 'Period budgets with spend this period and its projection', responses: { 200: okWith('budgets', 'Budgets'), ...errors } } },
      '/budgets/{workflow}': {
        put: { summary: 'Set the period budget of a workflow (`*` for all); block refuses new runs once spent (admin)', requestBody: body('PutBudget'), responses: { 200: okWith('the budget', 'Budget'), ...errors } },
        delete: { summary: 'Remove a budget (admin)', responses: { 204: { description: 'removed' }, ...errors } },
      },
      '/plugins': { get: { summary: 'Loaded plugins: node types (config as JSON Schema) and hooks', responses: { 200: ok('{items: [{name, version, nodeTypes, hooks}]}'), ...errors } } },
    },
  };
}
