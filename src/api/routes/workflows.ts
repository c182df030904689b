import { Router } from 'express';
import { compilePlan, planLevels } from '../../dag/plan.js';
import { workflowNameSchema } from '../../dag/schema.js';
import { formatWorkflowRef } from '../../dag/workflow-ref.js';
import type { PluginTypes } from '../../dag/validate.js';
import type { Repositories } from '../../db/repositories.js';
import { requireRole } from '../auth.js';
import { receiveDefinition } from '../definitions.js';
import { AppError } from '../errors.js';
import { diagramQuery, estimateBody, parseRequest, versionParam } from '../schemas.js';
import { mermaidDiagram } from '../../dag/diagram.js';
import { estimateCost } from '../estimate.js';
import type { PricingTable } from '../../pricing/pricing.js';
import type { TierTable } from '../../pricing/tiers.js';

/** `/workflows`: store, read and validate definitions. */
export function workflowsRouter(repos: Repositories, models: { pricing: PricingTable; tiers: TierTable }, plugins: PluginTypes): Router {
  const router = Router();

  router.post('/workflows', requireRole('operator'), async (req, res) => {
    const received = await receiveDefinition(req.body, repos.workflows, plugins);
    const { version, created } = await repos.workflows.save({ ...received, actor: req.identity?.id ?? null });
    if (created) {
      await repos.audit.record({ actor: req.identity?.id ?? null, action: 'workflow.define', target: formatWorkflowRef(version.name, version.version), requestId: req.id });
    }
    res.status(created ? 201 : 200).json({ name: version.name, version: version.version, hash: version.hash });
  });

  router.post('/workflows/validate', requireRole('viewer'), async (req, res) => {
    const { definition } = await receiveDefinition(req.body, repos.workflows, plugins);
    const plan = compilePlan(definition);
    res.json({
      valid: true,
      plan: {
        nodes: plan.nodes.map((n) => ({ id: n.id, type: n.spec.type, needs: n.needs, trigger: n.trigger })),
        levels: planLevels(plan),
        sinks: plan.sinks,
        maxParallel: plan.maxParallel,
      },
    });
  });

  router.get('/workflows', requireRole('viewer'), async (_req, res) => {
    const items = await repos.workflows.list();
    res.json({ items });
  });

  router.get('/workflows/:name', requireRole('viewer'), async (req, res) => {
    const name = parseRequest(workflowNameSchema, req.params.name, 'workflow name');
    const latest = await repos.workflows.get(name);
    if (!latest) throw new AppError('NOT_FOUND', `no stored workflow ${name}`);
    res.json({ ...latest, versions: await repos.workflows.versions(name) });
  });

  router.get('/workflows/:name/diagram', requireRole('viewer'), async (req, res) => {
    const name = parseRequest(workflowNameSchema, req.params.name, 'workflow name');
    const { format, version } = parseRequest(diagramQuery, req.query, 'query');
    const stored = await repos.workflows.get(name, version);
    if (!stored) throw new AppError('NOT_FOUND', `no stored workflow ${formatWorkflowRef(name, version)}`);
    res.type(format === 'mermaid' ? 'text/vnd.mermaid' : 'text/plain').send(mermaidDiagram(stored.definition));
  });

  router.post('/workflows/:name/estimate', requireRole('viewer'), async (req, res) => {
    const name = parseRequest(workflowNameSchema, req.params.name, 'workflow name');
    const { input } = parseRequest(estimateBody, req.body ?? {}, 'estimate request');
    const stored = await repos.workflows.get(name);
    if (!stored) throw new AppError('NOT_FOUND', `no stored workflow ${name}`);
    const history = await repos.nodeExecutions.costHistory(name);
    res.json(estimateCost(stored.definition, input ?? {}, history, models.pricing, models.tiers));
  });

  router.get('/workflows/:name/versions/:version', requireRole('viewer'), async (req, res) => {
    const name = parseRequest(workflowNameSchema, req.params.name, 'workflow name');
    const version = parseRequest(versionParam, req.params.version, 'version');
    const stored = await repos.workflows.get(name, version);
    if (!stored) throw new AppError('NOT_FOUND', `no stored workflow ${formatWorkflowRef(name, version)}`);
    res.json(stored);
  });

  return router;
}
