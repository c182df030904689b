import { createServer, type Server } from 'node:http';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentNode, createHarness, definition, type Harness } from '../support/harness.js';

/**
 * `execution: local`: an activity node run as a Temporal local activity keeps
 * the activity path's rules (retry, timeout, cache, one record per attempt,
 * secrets out of history), and really runs as a local activity.
 */
const TOKEN = 'tok-SECRET-local-5151';
const fast = { initialInterval: '10ms', backoffCoefficient: 1 };
const local = { execution: 'local', timeout: '10s' };

let h: Harness;
let server: Server;
let port = 0;
let hits = 0;
const received: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    hits += 1;
    received.push(req.headers.authorization ?? '');
    res.writeHead(200, { 'content-type': 'application/json' });
    // A careless endpoint echoes the credential.
    res.end(JSON.stringify({ hit: hits, youSent: req.headers.authorization }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
  h = await createHarness({ workerEnv: { WEFT_HTTP_ALLOW_PRIVATE: '1', WEFT_SECRET_LOCAL_TOKEN: TOKEN } });
});
afterAll(async () => {
  await h?.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** The run's history as JSON, with every payload's data decoded (base64 would hide a secret). */
async function historyText(id: string): Promise<{ text: string; events: Record<string, unknown>[] }> {
  const json = JSON.parse(historyToJSON(await h.handle(id).fetchHistory())) as { events: Record<string, unknown>[] };
  const decoded: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node !== null && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      if (typeof record.data === 'string' && typeof record.metadata === 'object') decoded.push(Buffer.from(record.data, 'base64').toString('utf8'));
      Object.values(record).forEach(walk);
    }
  };
  walk(json);
  return { text: `${JSON.stringify(json)}\n${decoded.join('\n')}`, events: json.events };
}

const count = (events: Record<string, unknown>[], attributes: string) => events.filter((e) => attributes in e).length;

describe('execution: local', () => {
  it('retries as the policy says, one record per attempt, as local activities', async () => {
    const run = await h.run(
      definition('local-retry', [
        agentNode('flaky', { text: 'ok', failTimes: 2 }, { ...local, retry: { maxAttempts: 4, ...fast } }),
        agentNode('next', { text: 'after {{ nodes.flaky.output.text }}' }, { ...local, needs: ['flaky'] }),
      ]),
    );
    expect(run.status).toBe('succeeded');
    expect(run.nodes.flaky).toMatchObject({ status: 'succeeded', attempts: 3 });
    expect(run.nodes.next).toMatchObject({ status: 'succeeded', attempts: 1, output: { text: 'after ok' } });
    const rows = await h.repos.nodeExecutions.list(run.id, 'flaky');
    expect(rows.map((r) => [r.attempt, r.status])).toEqual([
      [1, 'failed'],
      [2, 'failed'],
      [3, 'succeeded'],
    ]);
    expect(rows[0]!.error).toMatchObject({ type: 'MockFailure' });
    const { events } = await historyText(run.id);
    // Local activities leave markers, not scheduled activities (finishRun is one).
    expect(count(events, 'markerRecordedEventAttributes')).toBeGreaterThanOrEqual(2);
    expect(events.filter((e) => JSON.stringify(e).includes('"runAgent"') && 'activityTaskScheduledEventAttributes' in e)).toEqual([]);
    await h.recordHistory('local-nodes', run.id);
  });

  it('fails an attempt that outlives its timeout and retries it', async () => {
    const run = await h.run(definition('local-timeout', [agentNode('slow', { text: 'late', delay: '5s' }, { ...local, timeout: '300ms', retry: { maxAttempts: 2, ...fast } })]));
    expect(run.status).toBe('failed');
    expect(run.nodes.slow).toMatchObject({ status: 'failed', attempts: 2, error: { type: 'TIMEOUT' } });
  });

  it('serves a repeated request from the cache, and keeps its secret out of history', async () => {
    const call = definition('local-http', [
      { id: 'h', type: 'http', ...local, cache: { ttl: '10m' }, request: { url: `http://127.0.0.1:${port}/count`, headers: { authorization: 'Bearer {{ secrets.LOCAL_TOKEN }}' } } },
    ]);
    const before = hits;
    const first = await h.run(call);
    const second = await h.run(call);
    expect(hits - before).toBe(1);
    expect(received).toContain(`Bearer ${TOKEN}`);
    expect(first.nodes.h!.output).toMatchObject({ body: { youSent: 'Bearer [secret]' } });
    expect(second.nodes.h!.output).toEqual(first.nodes.h!.output);
    for (const run of [first, second]) {
      const { text } = await historyText(run.id);
      expect(text).toContain('secrets.LOCAL_TOKEN');
      expect(text.includes(TOKEN)).toBe(false);
    }
  });

  it('is refused where a local activity cannot hold the node', async () => {
    const res = await h.api('POST', '/api/v1/runs', { definition: definition('too-long', [agentNode('slow', { text: 'x' }, { execution: 'local', timeout: '5m' })]) });
    expect(res.status).toBe(422);
    expect(JSON.stringify(res.body)).toContain('LIMIT');
  });
});
