import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { ToolServer } from '../../src/conformance/tool-server.js';
import { createHarness, type Harness } from '../support/harness.js';

/**
 * The agent examples of docs/agents.md (examples/agents/) run as written: the
 * offline provider plays their scripts, their tools really run (http against a
 * local server, a child workflow, sub-agents), and an approval is decided.
 */
const EXAMPLES = join(import.meta.dirname, '..', '..', 'examples', 'agents');
const load = async (file: string) => parseYaml(await readFile(join(EXAMPLES, file), 'utf8')) as Record<string, unknown>;

let h: Harness;
const tracker = new ToolServer();
let trackerUrl: string;
beforeAll(async () => {
  trackerUrl = `http://127.0.0.1:${await tracker.start()}`;
  h = await createHarness({ workerEnv: { WEFT_HTTP_ALLOW_PRIVATE: 'true' } });
});
afterAll(async () => {
  await h?.close();
  await tracker.stop();
});

describe('examples/agents', () => {
  it('triage-offline: searches, asks a sub-agent, and opens the ticket a person approved', async () => {
    const id = await h.startRun(await load('triage-offline.yaml'), { report: 'The app crashes when I save', tracker: trackerUrl });
    await h.nodeReaches(id, 'triage', 'waiting');
    const waiting = await h.live(id);
    const [call] = waiting.nodes.triage!.pendingToolCalls ?? [];
    expect(call).toMatchObject({ tool: 'open_ticket', args: { title: 'Crash on save', severity: 'high' }, turn: 3 });
    const decided = await h.api('POST', `/api/v1/runs/${id}/approvals/triage`, { callId: call!.callId, approved: true, comment: 'ok' });
    expect(decided.status).toBe(200);
    const run = await h.finished(id);
    expect(run.status).toBe('succeeded');
    expect(run.output).toEqual({ severity: 'high', turns: 4 });
    const calls = (run.nodes.triage!.output as { toolCalls: { tool: string; status: string; output: unknown }[] }).toolCalls;
    expect(calls.map((c) => [c.tool, c.status])).toEqual([
      ['search_issues', 'succeeded'],
      ['second_opinion', 'succeeded'],
      ['open_ticket', 'succeeded'],
    ]);
    expect(calls[0]!.output).toMatchObject({ status: 200, body: { query: { q: 'crash on save' } } });
    expect(calls[1]!.output).toMatchObject({ text: 'Agreed: a crash on save loses work, so it is high.', turns: 1 });
    // Each call reached the tracker once, with its idempotency key.
    const keys = [...tracker.byIdempotencyKey.entries()].filter(([key]) => key.startsWith(`${id}/triage/`));
    expect(keys).toHaveLength(2);
    expect(keys.every(([, count]) => count === 1)).toBe(true);
    // The node's conversation shows every turn, the sub-agent's under its call.
    const node = await h.api('GET', `/api/v1/runs/${id}/nodes/triage`);
    const conversation = node.body.conversation as { turn: number; content: { type: string; conversation?: unknown[] }[] }[];
    expect(conversation.map((t) => t.turn)).toEqual([1, 2, 3, 4]);
    expect(conversation[1]!.content.find((b) => b.type === 'tool_result')?.conversation).toHaveLength(1);
  });

  it('research-offline: two calls in one turn, a child workflow and a sub-agent, then a JSON answer', async () => {
    const stored = await h.api('POST', '/api/v1/workflows', await load('word-stats.yaml'));
    expect(stored.status).toBe(201);
    const run = await h.run(await load('research-offline.yaml'), { topic: 'durable' });
    expect(run.status).toBe('succeeded');
    expect(run.output).toEqual({ answer: { topic: 'durable', length: 7 }, calls: 2 });
    const calls = (run.nodes.research!.output as { toolCalls: { tool: string; output: unknown }[] }).toolCalls;
    expect(calls[0]).toMatchObject({ tool: 'word_stats', status: 'succeeded', output: { length: 7 } });
    expect(calls[1]).toMatchObject({ tool: 'summarise', status: 'succeeded', output: { text: 'Durable agents finish what they start.' } });
  });
});
