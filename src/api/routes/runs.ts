import { z } from 'zod';
import { isTerminalRun } from '../../dag/run-state.js';
import { nodeIdSchema } from '../../dag/schema.js';
import { approval, budgetAccepted, nodeDetail, rerunAccepted, run, runAccepted, runDefinition, runList, startedRun } from '../responses.js';
import { defineRoute, reply, type RouteSpec } from '../route-spec.js';
import type { RunsService } from '../runs-service.js';
import { approvalBody, budgetBody, listRunsQuery, rerunBody, runIdParam, startRunBody, waitQuery } from '../schemas.js';

const byId = z.object({ id: runIdParam });
const byNode = byId.extend({ nodeId: nodeIdSchema });
/** Acting on a run that has ended is a conflict. */
const onLiveRun = ['CONFLICT'] as const;

/** `/runs`: start, re-run, read, list, cancel, pause, resume, approve and fund runs. */
export function runRoutes(runs: RunsService): RouteSpec[] {
  const signal = (action: 'pause' | 'resume', summary: string) =>
    defineRoute({
      method: 'post',
      path: `/runs/:id/${action}`,
      summary,
      params: byId,
      errors: onLiveRun,
      responses: { 202: { description: 'accepted', schema: runAccepted } },
    },
    async ({ params }) => reply(202, await runs.signal(params.id, action)),
    );
  return [
    defineRoute({
      method: 'post',
      path: '/runs',
      summary: 'Start a run of a stored workflow or of an ad-hoc definition; with ?wait=, answer with the run if it ends in time',
      body: startRunBody,
      query: waitQuery,
      errors: ['NOT_FOUND', 'VALIDATION_FAILED', 'INPUT_INVALID', 'BUDGET_EXCEEDED'],
      responses: {
        200: { description: 'the run, ended within ?wait=', schema: run },
        202: { description: 'started (or the run of the same idempotency key)', schema: startedRun },
      },
    },
    async ({ body, query, req }) => {
        const actor = req.identity?.id ?? null;
        // `?wait=`: 200 with the run if it ended in time, else 202 as without it (contract weft-ops §2).
        const { started, run: ended } = query.wait === undefined ? { started: await runs.start(body, actor), run: undefined } : await runs.startAndWait(body, actor, query.wait);
        const audit = { target: started.id, details: { workflow: started.workflow, version: started.version } };
        return ended && isTerminalRun(ended.status) ? reply(200, ended, audit) : reply(202, started, audit);
      },
    ),
    defineRoute({
      method: 'post',
      path: '/runs/:id/rerun',
      summary: 'Re-run an ended run from its failed nodes (default) or from a node: those and their descendants run again, the rest keep their output (409 CONFLICT while it runs)',
      params: byId,
      body: rerunBody,
      errors: ['CONFLICT', 'BUDGET_EXCEEDED'],
      responses: { 202: { description: 'the new run', schema: rerunAccepted } },
    },
    async ({ params, body, req }) => {
        const started = await runs.rerun(params.id, body.from, req.identity?.id ?? null);
        return reply(202, started, { target: started.id, details: { rerunOf: params.id, from: body.from } });
      },
    ),
    defineRoute({
      method: 'get',
      path: '/runs/:id/definition',
      summary: 'The definition a run is pinned to: its stored version, or its ad-hoc definition',
      params: byId,
      responses: { 200: { description: 'the definition', schema: runDefinition } },
    },
    async ({ params }) => reply(200, await runs.definition(params.id)),
    ),
    defineRoute({
      method: 'get',
      path: '/runs',
      summary: 'List runs, newest first',
      query: listRunsQuery,
      responses: { 200: { description: 'a page of runs', schema: runList, wireForm: true } },
    },
    async ({ query }) => reply(200, await runs.list(query)),
    ),
    defineRoute({
      method: 'get',
      path: '/runs/:id',
      summary: 'A run with its node records; with ?wait=, once it ends (at most that long)',
      params: byId,
      query: waitQuery,
      responses: { 200: { description: 'the run', schema: run } },
    },
    async ({ params, query }) => reply(200, query.wait === undefined ? await runs.get(params.id) : await runs.waitForEnd(params.id, query.wait)),
    ),
    defineRoute({
      method: 'get',
      path: '/runs/:id/nodes/:nodeId',
      summary: 'A node of a run with every attempt',
      params: byNode,
      errorNotes: { 503: 'also when the run is running, its workflow did not answer, and the definition that names its nodes is no longer stored: whether the node exists is not known' },
      responses: { 200: { description: 'the node', schema: nodeDetail } },
    },
    async ({ params }) => reply(200, await runs.node(params.id, params.nodeId)),
    ),
    defineRoute({
      method: 'post',
      path: '/runs/:id/cancel',
      summary: 'Cancel a run',
      params: byId,
      errors: onLiveRun,
      responses: { 202: { description: 'accepted', schema: runAccepted } },
    },
    async ({ params }) => reply(202, await runs.cancel(params.id)),
    ),
    defineRoute({
      method: 'post',
      path: '/runs/:id/approvals/:nodeId',
      summary: 'Decide an approval node, or with callId one tool call of an agent node (409 NOT_WAITING when nothing such waits; 422 ARGS_INVALID for edited args that fail the tool parameters)',
      params: byNode,
      body: approvalBody,
      errors: ['NOT_WAITING'],
      responses: { 200: { description: 'the decision', schema: approval } },
    },
    async ({ params, body, req }) => {
        const decided = await runs.approve(params.id, params.nodeId, body, req.identity?.name ?? 'unknown');
        return reply(200, decided, { details: { approved: body.approved, ...(body.callId === undefined ? {} : { callId: body.callId, argsEdited: body.args !== undefined }) } });
      },
    ),
    signal('pause', 'Pause a run: start no new nodes'),
    signal('resume', 'Resume a paused run'),
    defineRoute({
      method: 'post',
      path: '/runs/:id/budget',
      summary: "Raise a live run's budget",
      params: byId,
      body: budgetBody,
      errors: onLiveRun,
      responses: { 202: { description: 'accepted', schema: budgetAccepted } },
    },
    async ({ params, body }) => {
        const result = await runs.signal(params.id, body);
        return reply(202, { ...result, budgetUsd: body.budgetUsd }, { details: { budgetUsd: body.budgetUsd } });
      },
    ),
  ];
}
