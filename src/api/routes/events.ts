import { Router, type Request } from 'express';
import { isTerminalRun } from '../../dag/run-state.js';
import type { RunEventsRepo } from '../../db/run-events-repo.js';
import { requireRole } from '../auth.js';
import type { EventBus } from '../event-bus.js';
import { isFinalRunEvent, serveEventStream } from '../event-stream.js';
import type { RunsService } from '../runs-service.js';
import { eventsQuery, lastEventId, parseRequest, runIdParam } from '../schemas.js';

/** The live event streams (contract weft-ops §1): one run's, and every run's `run` events. */
export function eventsRouter(deps: { runs: RunsService; events: RunEventsRepo; bus: EventBus }): Router {
  const router = Router();
  const resumeFrom = (req: Request) => parseRequest(lastEventId, req.header('last-event-id'), 'Last-Event-ID header');

  router.get('/runs/:id/events', requireRole('viewer'), async (req, res) => {
    const runId = parseRequest(runIdParam, req.params.id, 'run id');
    const resumed = resumeFrom(req);
    const common = { repo: deps.events, bus: deps.bus, filter: { runId }, manyWriters: false, endsWith: isFinalRunEvent };
    if (resumed !== undefined) {
      await deps.runs.get(runId); // 404 for an unknown run
      return serveEventStream(req, res, { ...common, after: resumed });
    }
    // The snapshot is read after the position it is sent at, so what happens in between is sent again, never lost.
    const position = await deps.events.lastId({ runId });
    const snapshot = await deps.runs.get(runId);
    let after = position;
    if (isTerminalRun(snapshot.status)) {
      // An ended run: the snapshot, then its final event, and the stream ends.
      const [final] = (await deps.events.after(position - 1, { runId }, 1)).filter(isFinalRunEvent);
      if (!final) {
        res.status(200).set({ 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
        res.end(`id: ${position}\nevent: snapshot\ndata: ${JSON.stringify(snapshot)}\n\n`);
        return;
      }
      after = final.id - 1;
    }
    return serveEventStream(req, res, { ...common, after, first: { event: 'snapshot', id: after, data: snapshot } });
  });

  router.get('/events', requireRole('viewer'), async (req, res) => {
    const query = parseRequest(eventsQuery, req.query, 'query');
    const filter = { kind: 'run' as const, workflow: query.workflow, status: query.status };
    const after = resumeFrom(req) ?? (await deps.events.lastId());
    return serveEventStream(req, res, { repo: deps.events, bus: deps.bus, filter, after, manyWriters: true });
  });

  return router;
}
