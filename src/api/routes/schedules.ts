import { z } from 'zod';
import { schedule, scheduleList } from '../responses.js';
import { defineRoute, reply, type RouteSpec } from '../route-spec.js';
import type { SchedulesService } from '../schedules-service.js';
import { createScheduleBody, parseContent, scheduleIdParam, updateScheduleBody } from '../schemas.js';

const byId = z.object({ id: scheduleIdParam });
/**
 * Schedule bodies are checked in the handler: a bad cron or input is the
 * user's content, answered 422 at the field (contract weft-ops §5), not 400.
 */
const content = (schema: z.ZodType) => {
  const { $schema: _dialect, ...document } = z.toJSONSchema(schema, { io: 'input' });
  return { body: z.unknown(), bodyDocument: document, errors: ['VALIDATION_FAILED'] as const };
};

/** `/schedules`: runs on a cron or an interval, as Temporal Schedules (contract weft-ops §5). */
export function scheduleRoutes(schedules: SchedulesService): RouteSpec[] {
  const action = (name: 'pause' | 'unpause' | 'trigger', summary: string) =>
    defineRoute(
      { method: 'post', path: `/schedules/:id/${name}`, summary, params: byId, errors: ['NOT_FOUND'], responses: { 200: { description: 'the schedule', schema: schedule } } },
      async ({ params }) => reply(200, name === 'trigger' ? await schedules.trigger(params.id) : await schedules.pause(params.id, name === 'pause')),
    );
  return [
    defineRoute(
      {
        method: 'post',
        path: '/schedules',
        summary: 'Create a schedule: a cron or an interval, a time zone, an overlap policy',
        ...content(createScheduleBody),
        errors: ['VALIDATION_FAILED', 'CONFLICT'],
        responses: { 201: { description: 'created', schema: schedule } },
      },
      async ({ body }) => {
        const created = await schedules.create(parseContent(createScheduleBody, body, 'schedule'));
        return reply(201, created, { target: created.id });
      },
    ),
    defineRoute({ method: 'get', path: '/schedules', summary: 'Every schedule', responses: { 200: { description: 'the schedules', schema: scheduleList } } }, async () =>
      reply(200, await schedules.list()),
    ),
    defineRoute(
      { method: 'get', path: '/schedules/:id', summary: 'A schedule with its next and recent runs', params: byId, errors: ['NOT_FOUND'], responses: { 200: { description: 'the schedule', schema: schedule } } },
      async ({ params }) => reply(200, await schedules.get(params.id)),
    ),
    defineRoute(
      {
        method: 'patch',
        path: '/schedules/:id',
        summary: 'Change a schedule (what is not given stays)',
        params: byId,
        ...content(updateScheduleBody),
        errors: ['VALIDATION_FAILED', 'NOT_FOUND'],
        responses: { 200: { description: 'the schedule', schema: schedule } },
      },
      async ({ params, body }) => reply(200, await schedules.update(params.id, parseContent(updateScheduleBody, body, 'schedule change'))),
    ),
    action('pause', 'Pause a schedule'),
    action('unpause', 'Unpause a schedule'),
    action('trigger', 'Fire a schedule now'),
    defineRoute(
      { method: 'delete', path: '/schedules/:id', summary: 'Delete a schedule', params: byId, errors: ['NOT_FOUND'], responses: { 204: { description: 'deleted' } } },
      async ({ params }) => {
        await schedules.delete(params.id);
        return reply(204, undefined);
      },
    ),
  ];
}
