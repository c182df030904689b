import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, definition, VIEWER_KEY, type Harness } from '../support/harness.js';
import { waitFor } from '../support/processes.js';

/**
 * Schedules (contract weft-ops §5) on the dev server's real Temporal Schedules:
 * what is refused, what a schedule shows, and that a fired schedule makes an
 * ordinary run, or records its refusal where an operator sees it.
 */
let h: Harness;

beforeAll(async () => {
  h = await createHarness();
  await h.api('POST', '/api/v1/workflows', greet('topic'));
});

afterAll(async () => {
  for (const id of ['nightly', 'often', 'drifted', 'pricey']) await h?.api('DELETE', `/api/v1/schedules/${id}`);
  await h?.close();
});

/** A stored workflow whose input requires `field`. */
const greet = (field: string) =>
  definition('greet', [{ id: 'say', type: 'transform', output: `hello {{ input.${field} }}` }], {
    input: { type: 'object', required: [field], properties: { [field]: { type: 'string' } } },
  });

/** The run a trigger made: the schedule's newest recent run, once it has recorded itself. */
const firedRun = (id: string, count: number) =>
  waitFor(async () => {
    const s = (await h.api('GET', `/api/v1/schedules/${id}`)).body;
    const runId = s.recentRuns.length >= count ? (s.recentRuns[0].runId as string) : undefined;
    return runId && (await h.api('GET', `/api/v1/runs/${runId}`)).status === 200 ? runId : undefined;
  }, `schedule ${id} to fire`);

describe('schedules', () => {
  it('refuses a bad cron, an unknown workflow, an input that fails the schema, and a bad time zone, at the field, creating nothing', async () => {
    const base = { id: 'bad', workflow: 'greet', input: { topic: 'x' }, cron: '0 3 * * *' };
    const refused = async (body: object) => {
      const res = await h.api('POST', '/api/v1/schedules', { ...base, ...body });
      expect(res.status).toBe(422);
      return res.body.error.details.errors.map((e: { path: string }) => e.path);
    };
    expect(await refused({ cron: 'every day' })).toEqual(['/cron']);
    expect(await refused({ cron: '99 3 * * *' })).toEqual(['/cron']);
    // Each refused here, before Temporal: its own refusal is an untyped gRPC error (a 500 once).
    for (const cron of ['61 3 * * *', '0 24 * * *', '0 0 0 * *', '0 0 * 13 *', '0 0 * * 8', '*/0 * * * *', '5-1 * * * *', '0 0 L * *', '1,,2 * * * *']) {
      expect(await refused({ cron }), cron).toEqual(['/cron']);
    }
    expect(await refused({ timezone: 'utc' })).toEqual(['/timezone']);
    expect(await refused({ cron: undefined, every: '9999999999999999s' })).toEqual(['/every']);
    expect(await refused({ workflow: 'nope' })).toEqual(['/workflow']);
    expect(await refused({ input: { topic: 5 } })).toEqual(['/input/topic']);
    expect(await refused({ timezone: 'Mars/Olympus' })).toEqual(['/timezone']);
    expect(await refused({ cron: undefined, every: '500ms' })).toEqual(['/every']);
    expect(await refused({ cron: undefined, every: '' })).toEqual(['/every']);
    expect((await h.api('GET', '/api/v1/schedules/bad')).status).toBe(404);
  });

  it('creates, shows the next five runs, lists, pauses, unpauses, changes and deletes', async () => {
    const created = await h.api('POST', '/api/v1/schedules', { id: 'nightly', workflow: 'greet', input: { topic: 'night' }, cron: '0 3 * * *', timezone: 'Europe/Paris', overlap: 'buffer_one', note: 'nightly greeting' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'nightly', workflow: 'greet', version: null, spec: { cron: '0 3 * * *', timezone: 'Europe/Paris' }, overlap: 'buffer_one', paused: false, note: 'nightly greeting', recentRuns: [] });
    expect(created.body.nextRuns).toHaveLength(5);
    for (const t of created.body.nextRuns as string[]) expect(new Date(t).toLocaleString('en-GB', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit' })).toBe('03:00');
    expect((await h.api('POST', '/api/v1/schedules', { id: 'nightly', workflow: 'greet', input: { topic: 'x' }, cron: '0 4 * * *' })).status).toBe(409);

    const list = await h.api('GET', '/api/v1/schedules', undefined, { key: VIEWER_KEY });
    expect(list.body.items.map((s: { id: string }) => s.id)).toContain('nightly');
    expect((await h.api('POST', '/api/v1/schedules/nightly/pause', undefined, { key: VIEWER_KEY })).status).toBe(403);
    expect((await h.api('POST', '/api/v1/schedules/nightly/pause')).body.paused).toBe(true);
    expect((await h.api('POST', '/api/v1/schedules/nightly/unpause')).body.paused).toBe(false);
    const badPatch = await h.api('PATCH', '/api/v1/schedules/nightly', { cron: '61 * * * *' });
    expect(badPatch.status).toBe(422);
    expect(badPatch.body.error.details.errors).toEqual([{ path: '/cron', message: expect.stringContaining('minute') }]);
    const changed = await h.api('PATCH', '/api/v1/schedules/nightly', { every: '1h', note: 'hourly now' });
    expect(changed.body, JSON.stringify(changed.body)).toMatchObject({ spec: { every: '1h', timezone: 'Europe/Paris' }, note: 'hourly now', overlap: 'buffer_one' });
    expect((await h.api('DELETE', '/api/v1/schedules/nightly')).status).toBe(204);
    expect((await h.api('GET', '/api/v1/schedules/nightly')).status).toBe(404);
  });

  it('a fired schedule is an ordinary run: input checked, listed, and finished like any other', async () => {
    await h.api('POST', '/api/v1/schedules', { id: 'often', workflow: 'greet', input: { topic: 'schedules' }, cron: '0 0 1 1 *' });
    expect((await h.api('POST', '/api/v1/schedules/often/trigger')).status).toBe(200);
    const runId = await firedRun('often', 1);
    const run = await h.api('GET', `/api/v1/runs/${runId}?wait=30s`);
    expect(run.body).toMatchObject({ id: runId, workflow: 'greet', version: 1, status: 'succeeded', output: { say: 'hello schedules' }, trigger: { type: 'schedule', scheduleId: 'often' } });
    const listed = await h.api('GET', '/api/v1/runs?workflow=greet');
    expect(listed.body.items.find((r: { id: string }) => r.id === runId)).toMatchObject({ trigger: { type: 'schedule', scheduleId: 'often' } });
    expect((await h.api('GET', '/api/v1/schedules/often')).body.recentRuns[0]).toMatchObject({ runId, status: 'succeeded' });
    await h.recordHistory('scheduled-run', runId);
  });

  it('a schedule whose input no longer validates records the refusal as a failed run', async () => {
    await h.api('POST', '/api/v1/schedules', { id: 'drifted', workflow: 'greet', input: { topic: 'old' }, cron: '0 0 1 1 *' });
    // A new version of the workflow now requires another field; the schedule runs the latest.
    await h.api('POST', '/api/v1/workflows', greet('subject'));
    await h.api('POST', '/api/v1/schedules/drifted/trigger');
    const runId = await firedRun('drifted', 1);
    const run = await h.api('GET', `/api/v1/runs/${runId}?wait=30s`);
    expect(run.body).toMatchObject({ status: 'failed', error: { code: 'INPUT_INVALID', message: expect.stringContaining('subject') }, trigger: { type: 'schedule', scheduleId: 'drifted' } });
    expect((await h.api('GET', '/api/v1/schedules/drifted')).body.recentRuns[0]).toMatchObject({ runId, status: 'failed' });
  });

  it('a schedule whose workflow has spent its blocking budget records the refusal as a failed run', async () => {
    await h.api('POST', '/api/v1/workflows', definition('pricey', [{ id: 'ask', type: 'agent', agent: { provider: 'offline', prompt: 'p', mock: { text: 'x', costUsd: 1 } } }]));
    expect((await h.api('POST', '/api/v1/runs?wait=30s', { workflow: 'pricey' })).body.status).toBe('succeeded');
    expect((await h.api('PUT', '/api/v1/budgets/pricey', { period: 'day', limitUsd: 0.5, onExceed: 'block' })).status).toBeLessThan(300);
    await h.api('POST', '/api/v1/schedules', { id: 'pricey', workflow: 'pricey', cron: '0 0 1 1 *' });
    await h.api('POST', '/api/v1/schedules/pricey/trigger');
    const runId = await firedRun('pricey', 1);
    const run = await h.api('GET', `/api/v1/runs/${runId}?wait=30s`);
    expect(run.body).toMatchObject({ status: 'failed', error: { code: 'BUDGET_EXCEEDED' }, trigger: { type: 'schedule', scheduleId: 'pricey' } });
  });
});
