import { Client, Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { announceSkip, resilienceSkipReason, startLocalCluster, type LocalCluster } from '../support/local-cluster.js';
import { waitFor } from '../support/processes.js';
import { readEvents } from '../support/sse.js';
import { ToolServer } from '../../src/conformance/tool-server.js';
import { agentLoops, checkLoops, runsMidCall } from './agent-loops.js';
import { agentRun, allEnded, nodeStatus, report, startRuns } from './runs.js';

/**
 * The reduced fault suite, in every CI run: the production topology of
 * deploy/local-cluster.sh (Temporal 1.29.1 on PostgreSQL, two APIs, two
 * workers) survives a worker SIGKILL with 50 live runs, a Temporal server
 * restart with runs in flight, and an API process killed under streaming clients;
 * and agent loops (weft-agents 3.3) through a worker SIGKILL and a Temporal
 * restart caught mid-tool-call, their calls counted per idempotency key at the
 * tool's server.
 */
const skip = resilienceSkipReason();
announceSkip('test/resilience/topology.test.ts', skip);
let cluster: LocalCluster;
let sql: postgres.Sql;
let temporal: Client;
const tools = new ToolServer();
let toolUrl: string;

const STARTED = proto.temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED;

/** The identities of the workers executing the runs' activities right now. */
async function startedActivityWorkers(ids: string[]): Promise<string[]> {
  const descriptions = await Promise.all(ids.map((id) => temporal.workflow.getHandle(id).describe()));
  return descriptions.flatMap((d) => (d.raw.pendingActivities ?? []).filter((p) => p.state === STARTED).map((p) => p.lastWorkerIdentity ?? ''));
}

beforeAll(async () => {
  if (skip) return;
  toolUrl = `http://127.0.0.1:${await tools.start()}`;
  // The workers' http tools may reach the tool server on loopback, and nothing else private.
  cluster = await startLocalCluster({ WEFT_HTTP_ALLOW_HOSTS: '127.0.0.1' });
  sql = postgres(cluster.databaseUrl, { max: 2, onnotice: () => {} });
  temporal = new Client({ connection: await Connection.connect({ address: cluster.temporalAddress }) });
}, 240_000);
afterAll(async () => {
  await temporal?.connection.close();
  await sql?.end();
  await cluster?.down();
  await tools.stop();
}, 120_000);

/** Agent loops per fault (the acceptance asks for 12 or more mid-tool-call), their turns, and how long the tool server holds a call. */
const LOOPS = 16;
const LOOP_TURNS = 4;
const HOLD_MS = 1_500;
const MID_CALL = 12;

/**
 * Starts the loops and waits until at least MID_CALL of them have a call held
 * at the tool server and, when `worker` is given, that worker is executing one
 * of their activities (its identity, pid@host, on a started activity).
 */
async function loopsMidCall(label: string, worker?: 'worker-1'): Promise<string[]> {
  const ids = await startRuns(cluster, agentLoops(toolUrl, LOOP_TURNS, HOLD_MS), LOOPS, label);
  const busy = async () => !worker || (await startedActivityWorkers(ids)).some((w) => w.startsWith(`${cluster.pid(worker)}@`));
  await waitFor(async () => (runsMidCall(tools, ids) >= MID_CALL && (await busy()) ? true : undefined), `${MID_CALL} loops to be mid-tool-call${worker ? ` and ${worker} busy` : ''}`, 60_000);
  return ids;
}

/** Agents with delays, an approval, a map: every kind of waiting a run does. */
const mixed = {
  apiVersion: 'weft/v1',
  name: 'resilience-mixed',
  nodes: [
    agentRun('draft', 'drafted', '300ms'),
    { id: 'gate', type: 'approval', needs: ['draft'] },
    {
      id: 'each',
      type: 'map',
      needs: ['gate'],
      items: '[1, 2, 3]',
      node: { type: 'agent', agent: { provider: 'offline', prompt: 'item {{ item }}', mock: { text: 'item', delay: '2s' } }, timeout: '5s', retry: { maxAttempts: 5, initialInterval: '100ms' } },
    },
    agentRun('review', 'reviewed', '3s', ['gate']),
    { id: 'done', type: 'transform', needs: ['each', 'review'], output: { draft: '{{ nodes.draft.output.text }}', review: '{{ nodes.review.output.text }}', items: '{{ nodes.each.output }}' } },
  ],
};

describe.skipIf(skip)(skip ? `resilience (not run: ${skip})` : 'resilience on the production topology', () => {
  it('SIGKILL one of two workers with 50 live runs: all finish on the other, outputs as a clean run, each attempt recorded once', async () => {
    const approve = async (id: string) => {
      await waitFor(async () => ((await nodeStatus(cluster, id, 'gate')) === 'waiting' ? true : undefined), `${id}'s approval to wait`, 120_000);
      expect((await cluster.api(0, 'POST', `/api/v1/runs/${id}/approvals/gate`, { approved: true })).status).toBe(200);
    };
    const [clean] = await startRuns(cluster, mixed, 1, 'clean');
    await approve(clean!);
    const [cleanRun] = await allEnded(cluster, [clean!], 120_000);
    expect(cleanRun!.status).toBe('succeeded');

    const ids = await startRuns(cluster, mixed, 50, 'live');
    await Promise.all(ids.map(approve));
    // Kill once worker-1 is executing activities (its identity is pid@host): the runs' own
    // (review's; the map's items run in child workflows).
    const doomed = `${cluster.pid('worker-1')}@`;
    await waitFor(async () => ((await startedActivityWorkers(ids)).some((w) => w.startsWith(doomed)) ? true : undefined), 'worker-1 to run activities', 60_000);
    await cluster.control('kill', 'worker-1');
    const killedAt = Date.now();

    const runs = await allEnded(cluster, ids, 180_000);
    const recoveredMs = Date.now() - killedAt;
    for (const run of runs) {
      expect(run.status).toBe('succeeded');
      expect(run.output).toEqual(cleanRun!.output);
    }
    const rows = await sql<{ run_id: string; node_id: string; attempts: number[] }[]>`
      select run_id, node_id, array_agg(attempt order by attempt) as attempts
      from node_executions where run_id in ${sql(ids)} group by run_id, node_id`;
    // Every (run, node) has attempts 1..n, each once: none lost, none twice.
    for (const row of rows) expect(row.attempts).toEqual(row.attempts.map((_, i) => i + 1));
    // The kill did hit live work: some attempt was cut short and retried.
    expect(rows.some((row) => row.attempts.length > 1)).toBe(true);
    report('worker SIGKILL', { runs: ids.length, succeeded: runs.length, retriedNodes: rows.filter((r) => r.attempts.length > 1).length, attempts: rows.reduce((n, r) => n + r.attempts.length, 0), killToAllEndedMs: recoveredMs });
    await cluster.control('start', 'worker-1');
  }, 420_000);

  it('restart the Temporal server with runs in flight: none lost', async () => {
    const chain = {
      apiVersion: 'weft/v1',
      name: 'resilience-chain',
      nodes: [agentRun('a', 'A', '1s'), agentRun('b', 'B', '1s', ['a']), agentRun('c', 'C', '1s', ['b'])],
    };
    const ids = await startRuns(cluster, chain, 20, 'restart');
    await waitFor(async () => ((await nodeStatus(cluster, ids.at(-1)!, 'a')) === 'running' ? true : undefined), 'the runs to be under way', 60_000);
    const stoppedAt = Date.now();
    await cluster.control('stop', 'temporal');
    await cluster.control('start', 'temporal');
    const downMs = Date.now() - stoppedAt;
    const runs = await allEnded(cluster, ids, 180_000);
    report('Temporal restart', { runs: ids.length, serverDownMs: downMs, stopToAllEndedMs: Date.now() - stoppedAt });
    for (const run of runs) {
      expect(run.status).toBe('succeeded');
      expect(run.output).toMatchObject({ c: { text: 'C' } });
    }
  }, 300_000);

  it('kill one API while clients stream events: they resume on the other with Last-Event-ID and miss nothing', async () => {
    const slow = {
      apiVersion: 'weft/v1',
      name: 'resilience-stream',
      nodes: [agentRun('a', 'A', '1s'), agentRun('b', 'B', '1s', ['a']), agentRun('c', 'C', '1s', ['b']), agentRun('d', 'D', '1s', ['c'])],
    };
    const ids = await startRuns(cluster, slow, 10, 'stream');
    const received = new Map<string, number[]>(ids.map((id) => [id, []]));
    const starts = new Map<string, number>();
    let opened = 0;
    const first = ids.map((id) =>
      readEvents(`${cluster.apiUrls[0]}/api/v1/runs/${id}/events`, cluster.adminKey, (e) => {
        if (e.event === 'snapshot') starts.set(id, Number(e.id));
        else received.get(id)!.push(Number(e.id));
      }, undefined, () => (opened += 1)).catch(() => 'cut' as const),
    );
    await waitFor(async () => (opened === ids.length && starts.size === ids.length ? true : undefined), 'every stream to open');
    await cluster.control('kill', 'api-1');
    const outcomes = await Promise.all(first);
    expect(outcomes.filter((o) => o === 'cut').length).toBeGreaterThan(0);

    await Promise.all(
      ids.map(async (id, i) => {
        if (outcomes[i] !== 'cut') return; // that stream had ended before the kill
        const seen = received.get(id)!;
        const last = seen.at(-1) ?? starts.get(id)!;
        const resumed = await readEvents(`${cluster.apiUrls[1]}/api/v1/runs/${id}/events`, cluster.adminKey, (e) => void seen.push(Number(e.id)), String(last));
        expect(resumed).toMatchObject({ status: 200, ended: true });
      }),
    );
    report('API killed under streams', { streams: ids.length, cut: outcomes.filter((o) => o === 'cut').length, events: [...received.values()].reduce((n, e) => n + e.length, 0) });
    for (const id of ids) {
      // A run's stream ends with its final run event: every stored event up to it, once, in order.
      const last = received.get(id)!.at(-1)!;
      const stored = await sql<{ id: string }[]>`select id from run_events where run_id = ${id} and id > ${starts.get(id)!} and id <= ${last} order by id`;
      expect(received.get(id)).toEqual(stored.map((r) => Number(r.id)));
    }
    await cluster.control('start', 'api-1');
  }, 300_000);

  it('SIGKILL a worker while 16 agent loops are mid-tool-call: every loop finishes all its turns, no completed call runs again', async () => {
    const ids = await loopsMidCall('loop-kill', 'worker-1');
    const midCall = runsMidCall(tools, ids);
    const killedAt = Date.now();
    await cluster.control('kill', 'worker-1');
    const killed = { from: killedAt, to: Date.now() };
    const runs = await allEnded(cluster, ids, 180_000);
    const recoveredMs = Date.now() - killedAt;
    const figures = await checkLoops(temporal, tools, runs, LOOP_TURNS, killed);
    // The kill did catch calls mid-flight: some ran again, with their key.
    expect(figures.ranAgain).toBeGreaterThan(0);
    report('agent loops, worker SIGKILL', { loops: ids.length, midCallAtKill: midCall, ...figures, killToAllEndedMs: recoveredMs });
    await cluster.control('start', 'worker-1');
  }, 300_000);

  it('restart the Temporal server while 16 agent loops are mid-tool-call: every loop finishes all its turns, no completed call runs again', async () => {
    const ids = await loopsMidCall('loop-restart');
    const midCall = runsMidCall(tools, ids);
    const stoppedAt = Date.now();
    await cluster.control('stop', 'temporal');
    await cluster.control('start', 'temporal');
    const downMs = Date.now() - stoppedAt;
    const runs = await allEnded(cluster, ids, 180_000);
    // Calls dispatched while the server shut down gracefully count as in flight at the fault.
    const figures = await checkLoops(temporal, tools, runs, LOOP_TURNS, { from: stoppedAt, to: stoppedAt + downMs });
    report('agent loops, Temporal restart', { loops: ids.length, midCallAtStop: midCall, ...figures, serverDownMs: downMs, stopToAllEndedMs: Date.now() - stoppedAt });
  }, 300_000);
});
