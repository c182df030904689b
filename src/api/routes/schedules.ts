import { Router } from 'express';
import type { Repositories } from '../../db/repositories.js';
import { requireRole } from '../auth.js';
import type { SchedulesService } from '../schedules-service.js';
import { createScheduleBody, parseContent, parseRequest, scheduleIdParam, updateScheduleBody } from '../schemas.js';

/** `/schedules`: runs on a cron or an interval, as Temporal Schedules (contract weft-ops §5). */
export function schedulesRouter(schedules: SchedulesService, repos: Repositories): Router {
  const router = Router();
  const audit = (req: { identity?: { id: string } | undefined; id?: string }, action: string, target: string) =>
    repos.audit.record({ actor: req.identity?.id ?? null, action, target, requestId: req.id ?? null });

  router.post('/schedules', requireRole('operator'), async (req, res) => {
    const body = parseContent(createScheduleBody, req.body, 'schedule');
    const created = await schedules.create(body);
    await audit(req, 'schedule.create', created.id);
    res.status(201).json(created);
  });

  router.get('/schedules', requireRole('viewer'), async (_req, res) => {
    res.json(await schedules.list());
  });

  router.get('/schedules/:id', requireRole('viewer'), async (req, res) => {
    res.json(await schedules.get(parseRequest(scheduleIdParam, req.params.id, 'schedule id')));
  });

  router.patch('/schedules/:id', requireRole('operator'), async (req, res) => {
    const id = parseRequest(scheduleIdParam, req.params.id, 'schedule id');
    const updated = await schedules.update(id, parseContent(updateScheduleBody, req.body, 'schedule change'));
    await audit(req, 'schedule.update', id);
    res.json(updated);
  });

  for (const action of ['pause', 'unpause', 'trigger'] as const) {
    router.post(`/schedules/:id/${action}`, requireRole('operator'), async (req, res) => {
      const id = parseRequest(scheduleIdParam, req.params.id, 'schedule id');
      const result = action === 'trigger' ? await schedules.trigger(id) : await schedules.pause(id, action === 'pause');
      await audit(req, `schedule.${action}`, id);
      res.json(result);
    });
  }

  router.delete('/schedules/:id', requireRole('operator'), async (req, res) => {
    const id = parseRequest(scheduleIdParam, req.params.id, 'schedule id');
    await schedules.delete(id);
    await audit(req, 'schedule.delete', id);
    res.status(204).end();
  });

  return router;
}
