import { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executionsOf } from '../support/executions.js';
import { createHarness, definition, type Harness } from '../support/harness.js';
import { localServer } from '../unit/plugins/support.js';

/**
 * History size (weft-agents 3.3): a 100-turn loop whose tool returns ~20 KB
 * each turn keeps every Temporal execution under 10,000 events and 10 MB,
 * because the conversation lives in PostgreSQL and a turn's input carries only
 * the previous calls' results. Also records an agent loop in a run that
 * continues as new, for the replay suite.
 */
const TURNS = 100;
const RESULT_BYTES = 20 * 1024;

let h: Harness;
let small: Harness;
let tool: Awaited<ReturnType<typeof localServer>>;

beforeAll(async () => {
  let served = 0;
  tool = await localServer((_req, res) => {
    // Different bytes each turn, so nothing could be shared between turns.
    const page = `${++served}:`.padEnd(RESULT_BYTES, String.fromCharCode(97 + (served % 26)));
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ page }));
  });
  const workerEnv = { WEFT_HTTP_ALLOW_HOSTS: '127.0.0.1' };
  [h, small] = await Promise.all([createHarness({ workerEnv }), createHarness({ workerEnv, segmentEvents: 20 })]);
});

afterAll(async () => {
  await Promise.all([h?.close(), small?.close()]);
  await tool?.close();
});

const tools = () => ({
  tools: {
    read_page: { description: 'Read the next page', parameters: { type: 'object' }, http: { url: `${tool.url}/page` } },
  },
});

/** An offline loop calling read_page every turn but the last. */
const loop = (id: string, turns: number) => ({
  id,
  type: 'agent',
  agent: {
    provider: 'offline',
    prompt: 'read every page',
    tools: ['read_page'],
    maxTurns: turns,
    maxToolCalls: turns,
    mock: { script: [...Array.from({ length: turns - 1 }, () => ({ toolCalls: [{ tool: 'read_page', args: {} }] })), { text: 'read them all' }], costUsd: 0.0001 },
  },
});

describe('agent loop history (weft-agents 3.3)', () => {
  it(`a ${TURNS}-turn loop with 20 KB results stays under 10,000 events and 10 MB`, { timeout: 300_000 }, async () => {
    const run = await h.run(definition('long-loop', [loop('reader', TURNS)], tools()));
    expect(run.status, JSON.stringify(run.nodes.reader?.error)).toBe('succeeded');
    expect(run.nodes.reader!.output).toMatchObject({ turns: TURNS, stopReason: 'end', text: 'read them all' });
    const executions = await executionsOf(h.client, run.id);
    let largest = { events: 0, bytes: 0 };
    for (const e of executions) {
      const history = await h.client.workflow.getHandle(e.workflowId, e.runId).fetchHistory();
      const bytes = temporal.api.history.v1.History.encode(history).finish().length;
      if (bytes > largest.bytes) largest = { events: history.events?.length ?? 0, bytes };
    }
    console.log(
      `agent loop history: ${TURNS} turns x ${RESULT_BYTES} B results: ${executions.length} execution(s), largest ${largest.events} events, ${(largest.bytes / 1024 / 1024).toFixed(2)} MB; ` +
        `per turn ${(largest.events / TURNS).toFixed(1)} events, ${Math.round(largest.bytes / TURNS / 1024)} KB`,
    );
    expect(largest.events).toBeLessThan(10_000);
    expect(largest.bytes).toBeLessThan(10 * 1024 * 1024);
    // Linear, not quadratic: the whole history is a small multiple of the results it carried.
    expect(largest.bytes).toBeLessThan(TURNS * RESULT_BYTES * 3);
  });

  it('a loop in a run that continues as new finishes, and is recorded', async () => {
    const nodes = [loop('reader', 4), { id: 'after', type: 'transform', needs: ['reader'], output: '{{ nodes.reader.output.turns }}' }];
    const run = await small.run(definition('loop-segments', nodes, tools()));
    expect(run.status).toBe('succeeded');
    expect(run.nodes.after!.output).toBe(4);
    const executions = await executionsOf(small.client, run.id);
    const own = executions.filter((e) => e.workflowId === run.id);
    expect(own.length).toBeGreaterThanOrEqual(2);
    await small.recordHistory('agent-continue-as-new-first', run.id, own[0]!.runId);
    await small.recordHistory('agent-continue-as-new', run.id);
  });
});
