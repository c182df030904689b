import { z } from 'zod';
import { mermaidDiagram } from '../../dag/diagram.js';
import { workflowNameSchema } from '../../dag/schema.js';
import type { PluginTypes } from '../../dag/validate.js';
import { formatWorkflowRef } from '../../dag/workflow-ref.js';
import type { Repositories } from '../../db/repositories.js';
import { StaleBaseVersion } from '../../db/workflows-repo.js';
import type { PricingTable } from '../../pricing/pricing.js';
import type { TierTable } from '../../pricing/tiers.js';
import { YAML_TYPES } from '../body-limits.js';
import { receiveDefinition, storedWorkflowExists, validationAnswer } from '../definitions.js';
import { AppError } from '../errors.js';
import { estimateCost } from '../estimate.js';
import { estimate, savedWorkflow, validation, workflowDetail, storedVersion, workflowList } from '../responses.js';
import { defineRoute, reply, type RouteSpec } from '../route-spec.js';
import { diagramQuery, draftEstimateBody, estimateBody, saveWorkflowQuery, versionParam } from '../schemas.js';

/** A definition as posted: an object, or its YAML/JSON text; validated in full by `receiveDefinition` (422 with every error). */
const definitionBody = z.union([z.record(z.string(), z.unknown()), z.string()]);
const definitionDocument = { $ref: '#/components/schemas/Definition' };
const definitionRequest = { body: definitionBody, bodyTypes: ['application/json', ...YAML_TYPES], bodyDocument: definitionDocument, errors: ['VALIDATION_FAILED'] } as const;

const named = z.object({ name: workflowNameSchema });

/** `/workflows`: store, read, validate, draw and estimate definitions. */
export function workflowRoutes(repos: Repositories, models: { pricing: PricingTable; tiers: TierTable }, plugins: PluginTypes): RouteSpec[] {
  const workflowExists = storedWorkflowExists(repos.workflows);
  const stored = async (name: string, version?: number) => {
    const found = await repos.workflows.get(name, version);
    if (!found) throw new AppError('NOT_FOUND', `no stored workflow ${formatWorkflowRef(name, version)}`);
    return found;
  };
  return [
    defineRoute({
      method: 'post',
      path: '/workflows',
      summary: 'Store a definition (JSON or YAML); the same content as the latest version answers that version; with ?baseVersion=, 409 CONFLICT when another version was saved since',
      ...definitionRequest,
      query: saveWorkflowQuery,
      errors: ['VALIDATION_FAILED', 'CONFLICT'],
      responses: { 200: { description: 'same content as the latest version', schema: savedWorkflow }, 201: { description: 'a new version', schema: savedWorkflow } },
    },
    async ({ body, query, req }) => {
        const { warnings, ...received } = await receiveDefinition(body, workflowExists, plugins);
        const { version, created } = await repos.workflows.save({ ...received, actor: req.identity?.id ?? null, baseVersion: query.baseVersion }).catch((err: unknown) => {
          if (!(err instanceof StaleBaseVersion)) throw err;
          throw new AppError('CONFLICT', `${received.definition.name}: ${err.message}; merge with it and save again`, { baseVersion: err.baseVersion, latestVersion: err.latestVersion });
        });
        const saved = { name: version.name, version: version.version, hash: version.hash, warnings };
        return reply(created ? 201 : 200, saved, { target: formatWorkflowRef(version.name, version.version), details: { created } });
      },
    ),
    defineRoute({
      method: 'post',
      path: '/workflows/validate',
      summary: 'Validate a definition without storing it',
      ...definitionRequest,
      responses: { 200: { description: 'valid, with its plan', schema: validation } },
    },
    async ({ body }) => {
        const { definition, warnings } = await receiveDefinition(body, workflowExists, plugins);
        return reply(200, validationAnswer(definition, warnings));
      },
    ),
    defineRoute({
      method: 'post',
      path: '/workflows/estimate',
      summary: 'The expected cost range of a run of a definition not stored (a draft), before running',
      body: draftEstimateBody,
      errors: ['VALIDATION_FAILED'],
      responses: { 200: { description: 'the range and its basis', schema: estimate } },
    },
    async ({ body }) => {
        const { definition } = await receiveDefinition(body.definition, workflowExists, plugins);
        const history = await repos.nodeExecutions.costHistory(definition.name);
        return reply(200, estimateCost(definition, body.input ?? {}, history, models.pricing, models.tiers));
      },
    ),
    defineRoute({
      method: 'get',
      path: '/workflows',
      summary: 'List workflows',
      responses: { 200: { description: 'every workflow', schema: workflowList } },
    },
    async () => reply(200, { items: await repos.workflows.list() }),
    ),
    defineRoute({
      method: 'get',
      path: '/workflows/:name',
      summary: 'The latest version of a workflow, with the list of its versions',
      params: named,
      responses: { 200: { description: 'the latest version', schema: workflowDetail } },
    },
    async ({ params }) => {
        const latest = await stored(params.name);
        return reply(200, { ...latest, versions: await repos.workflows.versions(params.name) });
      },
    ),
    defineRoute({
      method: 'get',
      path: '/workflows/:name/diagram',
      summary: 'The DAG as a Mermaid flowchart',
      params: named,
      query: diagramQuery,
      responses: { 200: { description: 'the diagram', schema: z.string(), contentType: 'text/vnd.mermaid' } },
    },
    async ({ params, query }) => {
        return reply(200, mermaidDiagram((await stored(params.name, query.version)).definition));
      },
    ),
    defineRoute({
      method: 'post',
      path: '/workflows/:name/estimate',
      summary: 'The expected cost range of a run, before running',
      params: named,
      body: estimateBody.optional(),
      responses: { 200: { description: 'the range and its basis', schema: estimate } },
    },
    async ({ params, body }) => {
        const { definition } = await stored(params.name);
        const history = await repos.nodeExecutions.costHistory(params.name);
        return reply(200, estimateCost(definition, body?.input ?? {}, history, models.pricing, models.tiers));
      },
    ),
    defineRoute({
      method: 'get',
      path: '/workflows/:name/versions/:version',
      summary: 'One stored version',
      params: named.extend({ version: versionParam }),
      responses: { 200: { description: 'the version', schema: storedVersion } },
    },
    async ({ params }) => reply(200, await stored(params.name, params.version)),
    ),
  ];
}
