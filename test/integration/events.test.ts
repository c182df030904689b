import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, agentNode, createHarness, definition, VIEWER_KEY, type Harness } from '../support/harness.js';
import { freePort } from '../support/ports.js';
import { spawnWeft, stopProcess } from '../support/processes.js';
import { readEvents, type SseEvent } from '../support/sse.js';

/**
 * Live events (contract weft-ops §1) and waiting (§2) against the real dev
 * server and PostgreSQL: what a run's stream carries, resuming with
 * Last-Event-ID, a second API process serving the same stream, the stream of
 * every run, and `?wait=`.
 */
let h: Harness;
let second: ChildProcess;
let secondUrl: string;

beforeAll(async () => {
  h = await createHarness();
  const port = await freePort();
  secondUrl = `http://127.0.0.1:${port}`;
  // Another API process on the same database and Temporal: it shares no memory with the first.
  second = await spawnWeft(
    'api',
    { ...process.env, DATABASE_URL: h.databaseUrl, TEMPORAL_ADDRESS: h.temporalAddress, WEFT_TASK_QUEUE: h.taskQueue, WEFT_PORT: String(port), WEFT_BOOTSTRAP_ADMIN_KEY: ADMIN_KEY, WEFT_LOG_LEVEL: 'info' },
    'Weft API listening',
  );
});

afterAll(async () => {
  if (second) await stopProcess(second, 'SIGTERM');
  await h?.close();
});

/** Four nodes: two agents (activities) around a transform and an auto-approved approval (inside the workflow). */
const chain = (name: string, delay = '150ms') =>
  definition(name, [
    agentNode('draft', { text: 'd', delay }),
    { id: 'shape', type: 'transform', needs: ['draft'], output: '{{ nodes.draft.output.text }}!' },
    { id: 'gate', type: 'approval', needs: ['shape'], autoApprove: 'true' },
    agentNode('review', { text: 'r', delay }, { needs: ['gate'] }),
  ]);

async function collect(url: string, options: { lastEventId?: string; key?: string; stopAfter?: (events: SseEvent[]) => boolean; onOpen?: () => void } = {}) {
  const events: SseEvent[] = [];
  const result = await readEvents(
    url,
    options.key ?? ADMIN_KEY,
    (e) => {
      events.push(e);
      return options.stopAfter?.(events) ? 'stop' : undefined;
    },
    options.lastEventId,
    options.onOpen,
  );
  return { ...result, events };
}

const strip = (events: SseEvent[]) => events.filter((e) => e.event !== 'snapshot').map((e) => ({ id: e.id, event: e.event, data: e.data }));

describe('a run\'s event stream', () => {
  it('starts with a snapshot, carries every node change in order (in-workflow nodes too), ends with the final run event', async () => {
    const id = await h.startRun(chain('events-one'));
    const { events, ended, status } = await collect(`${h.url}/api/v1/runs/${id}/events`, { key: VIEWER_KEY });
    expect(status).toBe(200);
    expect(ended).toBe(true);
    expect(events[0]!.event).toBe('snapshot');
    expect(events[0]!.data).toMatchObject({ id, workflow: 'events-one' });
    const last = events.at(-1)!;
    expect(last).toMatchObject({ event: 'run', data: { runId: id, status: 'succeeded', costUsd: expect.any(Number), endedAt: expect.any(String) } });
    const ids = events.map((e) => Number(e.id));
    expect(ids.slice(1)).toEqual([...ids.slice(1)].sort((a, b) => a - b));
    // The snapshot and the node events after it end where the run did.
    const state: Record<string, string> = Object.fromEntries(Object.entries(events[0]!.data.nodes).map(([n, r]) => [n, (r as { status: string }).status]));
    for (const e of events.filter((x) => x.event === 'node')) {
      expect(e.data).toEqual(expect.objectContaining({ runId: id, nodeId: expect.any(String), status: expect.any(String), attempts: expect.any(Number), progress: null }));
      state[e.data.nodeId] = e.data.status;
    }
    const run = await h.finished(id);
    expect(state).toEqual(Object.fromEntries(Object.entries(run.nodes).map(([n, r]) => [n, r.status])));
  });

  it('an ended run streams its snapshot and its final event, then closes', async () => {
    const run = await h.run(chain('events-ended', '10ms'));
    const { events, ended } = await collect(`${h.url}/api/v1/runs/${run.id}/events`);
    expect(ended).toBe(true);
    expect(events.map((e) => e.event)).toEqual(['snapshot', 'run']);
    expect(events[0]!.data.status).toBe('succeeded');
  });

  it('resumed with Last-Event-ID after a cut, gives exactly what an uninterrupted stream gives: nothing lost, nothing repeated', async () => {
    const id = await h.startRun(chain('events-resume', '400ms'));
    const url = `${h.url}/api/v1/runs/${id}/events`;
    const whole = collect(url, { lastEventId: '0' });
    const cut = await collect(url, { lastEventId: '0', stopAfter: (events) => events.length === 3 });
    expect(cut.status).toBe(200);
    expect(cut.events.length).toBe(3);
    expect(cut.ended).toBe(false);
    const rest = await collect(url, { lastEventId: cut.events.at(-1)!.id! });
    expect(rest.ended).toBe(true);
    const uninterrupted = await whole;
    expect(strip([...cut.events, ...rest.events])).toEqual(strip(uninterrupted.events));
    expect(uninterrupted.events.filter((e) => e.event === 'node').map((e) => `${e.data.nodeId}:${e.data.status}`)).toEqual(
      expect.arrayContaining(['draft:running', 'draft:succeeded', 'shape:succeeded', 'gate:succeeded', 'review:succeeded']),
    );
  });

  it('is the same stream from a second API process (events come from the database every process shares)', async () => {
    const id = await h.startRun(chain('events-two-apis', '200ms'));
    const [first, other] = await Promise.all([
      collect(`${h.url}/api/v1/runs/${id}/events`, { lastEventId: '0' }),
      collect(`${secondUrl}/api/v1/runs/${id}/events`, { lastEventId: '0' }),
    ]);
    expect(other.ended).toBe(true);
    expect(strip(other.events)).toEqual(strip(first.events));
    expect(other.events.at(-1)).toMatchObject({ event: 'run', data: { status: 'succeeded' } });
  });

  it('reports how far map and loop nodes have come', async () => {
    const id = await h.startRun(
      definition('events-progress', [
        { id: 'items', type: 'map', items: '[1..150]', node: { type: 'transform', output: '{{ item * 2 }}' } },
        { id: 'again', type: 'loop', maxIterations: 5, until: 'iteration >= 3', nodes: [{ id: 'step', type: 'transform', output: '{{ iteration }}' }] },
      ]),
    );
    const { events } = await collect(`${h.url}/api/v1/runs/${id}/events`, { lastEventId: '0' });
    const progress = (nodeId: string) => events.filter((e) => e.event === 'node' && e.data.nodeId === nodeId && e.data.progress).map((e) => e.data.progress);
    expect(progress('items')).toEqual([
      { done: 100, total: 150 },
      { done: 150, total: 150 },
    ]);
    expect(progress('again')).toEqual([
      { done: 1, total: 5 },
      { done: 2, total: 5 },
      { done: 3, total: 5 },
    ]);
    expect(events.filter((e) => e.event === 'node' && e.data.status === 'succeeded').map((e) => e.data.nodeId).sort()).toEqual(['again', 'items']);
  });

  it('answers 404 for an unknown run, 401 without a key, and 400 for a Last-Event-ID it never sent', async () => {
    expect((await collect(`${h.url}/api/v1/runs/run_nope/events`)).status).toBe(404);
    expect((await readEvents(`${h.url}/api/v1/runs/run_nope/events`, '', () => undefined)).status).toBe(401);
    expect((await collect(`${h.url}/api/v1/runs/run_nope/events`, { lastEventId: 'abc' })).status).toBe(400);
  });
});

describe('the stream of every run', () => {
  it('carries each run\'s start and end, filtered by workflow', async () => {
    const seen = new Map<string, string[]>();
    let opened!: () => void;
    const open = new Promise<void>((resolve) => (opened = resolve));
    const listening = collect(`${secondUrl}/api/v1/events?workflow=events-global`, {
      onOpen: opened,
      stopAfter: (events) => {
        const last = events.at(-1)!;
        seen.set(last.data.runId, [...(seen.get(last.data.runId) ?? []), last.data.status]);
        return [...seen.values()].filter((s) => s.includes('succeeded')).length === 2;
      },
    });
    // The stream serves what comes after it answered: start the runs once it has.
    await open;
    const ids = [await h.startRun(chain('events-global', '10ms')), await h.startRun(chain('events-global', '10ms')), await h.startRun(chain('events-other', '10ms'))];
    const { events } = await listening;
    expect(events.every((e) => e.event === 'run' && e.data.workflow === 'events-global')).toBe(true);
    for (const id of ids.slice(0, 2)) expect(seen.get(id)).toEqual(['running', 'succeeded']);
    expect(seen.has(ids[2]!)).toBe(false);
  });
});

describe('waiting for a run (§2)', () => {
  it('GET ?wait= answers once the run ended; a shorter wait answers with the current state', async () => {
    const id = await h.startRun(chain('wait-get', '600ms'));
    const early = await h.api('GET', `/api/v1/runs/${id}?wait=100ms`);
    expect(early.status).toBe(200);
    expect(early.body.status).toBe('running');
    const done = await h.api('GET', `/api/v1/runs/${id}?wait=30s`);
    expect(done.body).toMatchObject({ id, status: 'succeeded', output: { review: expect.anything() } });
  });

  it('POST ?wait= answers 200 with the ended run, or 202 when the wait is over first', async () => {
    const quick = await h.api('POST', '/api/v1/runs?wait=30s', { definition: chain('wait-post', '10ms') });
    expect(quick.status).toBe(200);
    expect(quick.body).toMatchObject({ status: 'succeeded', nodes: { review: { status: 'succeeded' } } });
    const slow = await h.api('POST', '/api/v1/runs?wait=50ms', { definition: chain('wait-post', '1s') });
    expect(slow.status).toBe(202);
    expect(slow.body).toMatchObject({ status: 'running' });
  });

  it('refuses a wait over 60 s or not a duration, and starts nothing', async () => {
    const before = (await h.api('GET', '/api/v1/runs?limit=200')).body.items.length;
    expect((await h.api('POST', '/api/v1/runs?wait=61s', { definition: chain('wait-bad') })).body.error.code).toBe('BAD_REQUEST');
    expect((await h.api('GET', '/api/v1/runs/run_x?wait=soon')).body.error.code).toBe('BAD_REQUEST');
    expect((await h.api('GET', '/api/v1/runs?limit=200')).body.items.length).toBe(before);
  });
});
