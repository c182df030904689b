import { z } from 'zod';
import { isTerminalRun } from '../../dag/run-state.js';
import type { RunEventsRepo } from '../../db/run-events-repo.js';
import type { EventBus } from '../event-bus.js';
import { isFinalRunEvent, serveEventStream } from '../event-stream.js';
import { defineRoute, reply, type RouteSpec } from '../route-spec.js';
import type { RunsService } from '../runs-service.js';
import { eventsQuery, lastEventId, parseRequest, runIdParam } from '../schemas.js';

const stream = {
  200: {
    description:
      'server-sent events (`snapshot`, `node`, `run`, and on a run\'s stream `agent`: data as #/components/schemas/AgentEvent), each with an id but `agent` events of kind `text` (streamed model text, never replayed); resume with Last-Event-ID',
    contentType: 'text/event-stream',
    // The stream's text, or (as schemathesis reads a stream) each event: {id, event, data} with data JSON text.
    schema: z.union([z.string(), z.object({ id: z.string().optional(), event: z.string(), data: z.string() })]),
  },
} as const;

/** The live event streams (contract weft-ops §1): one run's, and every run's `run` events. */
export function eventRoutes(deps: { runs: RunsService; events: RunEventsRepo; bus: EventBus }): RouteSpec[] {
  const resumeFrom = (header: string | undefined) => parseRequest(lastEventId, header, 'Last-Event-ID header');
  return [
    defineRoute(
      {
        method: 'get',
        path: '/runs/:id/events',
        summary: "A run's events: a snapshot, then every change of a top-level node and of the run, ending after the final run event",
        params: z.object({ id: runIdParam }),
        responses: stream,
      },
      async ({ params, req }) => {
        const runId = params.id;
        const resumed = resumeFrom(req.header('last-event-id'));
        const common = { repo: deps.events, bus: deps.bus, filter: { runId }, manyWriters: false, endsWith: isFinalRunEvent, textOf: runId };
        if (resumed !== undefined) {
          await deps.runs.get(runId); // 404 for an unknown run
          await serveEventStream(req, req.res!, { ...common, after: resumed });
          return reply(200, '');
        }
        // The snapshot is read after the position it is sent at, so what happens in between is sent again, never lost.
        const position = await deps.events.lastId({ runId });
        const snapshot = await deps.runs.get(runId);
        let after = position;
        if (isTerminalRun(snapshot.status)) {
          // An ended run: the snapshot, then its final event, and the stream ends.
          const [final] = (await deps.events.after(position - 1, { runId }, 1)).filter(isFinalRunEvent);
          if (!final) return reply(200, `id: ${position}\nevent: snapshot\ndata: ${JSON.stringify(snapshot)}\n\n`);
          after = final.id - 1;
        }
        await serveEventStream(req, req.res!, { ...common, after, first: { event: 'snapshot', id: after, data: snapshot } });
        return reply(200, '');
      },
    ),
    defineRoute(
      {
        method: 'get',
        path: '/events',
        summary: "Every run's `run` events (start, status changes, end), by workflow and status",
        query: eventsQuery,
        responses: stream,
      },
      async ({ query, req }) => {
        const filter = { kind: 'run' as const, workflow: query.workflow, status: query.status };
        const after = resumeFrom(req.header('last-event-id')) ?? (await deps.events.lastId());
        await serveEventStream(req, req.res!, { repo: deps.events, bus: deps.bus, filter, after, manyWriters: true });
        return reply(200, '');
      },
    ),
  ];
}
