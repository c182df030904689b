import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentEventData } from '../../src/dag/agent-events.js';
import { ToolServer } from '../../src/conformance/tool-server.js';
import { agentTurns, toolCallDuration, toolCalls } from '../../src/metrics/registry.js';
import { FakeLlmServer } from '../support/fake-llm.js';
import { ADMIN_KEY, createHarness, definition, type Harness } from '../support/harness.js';
import { readEvents, type SseEvent } from '../support/sse.js';
import { publishTool } from '../support/publish-tool.js';

/**
 * `agent` events on a run's stream (weft-agents 6) against the real stack: an
 * offline loop with an http tool that needs approval shows each turn and call
 * in order, with ids, and resuming with Last-Event-ID replays none twice;
 * streamed text (no id) reaches a connected client from a provider that
 * streams over SSE (the fake LLM server, the real Anthropic SDK).
 */
let h: Harness;
const tools = new ToolServer();
const fake = new FakeLlmServer();
let toolUrl: string;

beforeAll(async () => {
  toolUrl = `http://127.0.0.1:${await tools.start()}/echo`;
  await fake.start();
  h = await createHarness({ workerEnv: { WEFT_HTTP_ALLOW_PRIVATE: '1', WEFT_ANTHROPIC_BASE_URL: fake.anthropicUrl, WEFT_SECRET_ANTHROPIC_API_KEY: 'sk-test' } });
});

afterAll(async () => {
  await h?.close();
  await tools.stop();
  await fake.stop();
});

/** A writer agent with one http tool that needs approval; `agent` sets the provider. */
const publishing = (name: string, agent: Record<string, unknown>) =>
  definition(name, [{ id: 'writer', type: 'agent', agent: { prompt: 'write the post', tools: ['publish'], ...agent } }], {
    tools: {
      publish: publishTool(toolUrl),
    },
  });

/** Reads a run's stream to its end, approving each waiting call as its `approval_needed` event arrives. */
async function watchApproving(runId: string): Promise<SseEvent[]> {
  const events: SseEvent[] = [];
  const decisions: Promise<unknown>[] = [];
  await readEvents(`${h.url}/api/v1/runs/${runId}/events`, ADMIN_KEY, (e) => {
    events.push(e);
    if (e.event === 'agent' && e.data.kind === 'approval_needed') {
      decisions.push(h.api('POST', `/api/v1/runs/${runId}/approvals/writer`, { callId: e.data.callId, approved: true, comment: 'ok' }));
    }
  });
  for (const res of (await Promise.all(decisions)) as { status: number }[]) expect(res.status).toBe(200);
  return events;
}

const agentEvents = (events: SseEvent[]) => events.filter((e) => e.event === 'agent');
const stored = (events: SseEvent[]) => events.filter((e) => e.id !== undefined && e.event !== 'snapshot');

describe('agent events', () => {
  it('show an offline loop turn by turn, call by call, with ids; resuming replays none twice', async () => {
    const runId = await h.startRun(
      publishing('agent-events-offline', { provider: 'offline', mock: { script: [{ text: 'Drafting. ', toolCalls: [{ tool: 'publish', args: { title: 'Draft' } }] }, { text: 'published it' }] } }),
    );
    const events = await watchApproving(runId);
    const agent = agentEvents(events).filter((e) => e.data.kind !== 'text');
    for (const e of agentEvents(events)) expect(agentEventData.safeParse(e.data).success, JSON.stringify(e.data)).toBe(true);
    expect(agent.map((e) => `${e.data.turn}:${e.data.kind}`)).toEqual([
      '1:turn_started',
      '1:turn_ended',
      '1:tool_call',
      '1:approval_needed',
      '1:tool_result',
      '2:turn_started',
      '2:turn_ended',
    ]);
    for (const e of agent) expect(e.id).toMatch(/^\d+$/);
    const [, ended1, call, approval, result, , ended2] = agent.map((e) => e.data);
    expect(ended1).toMatchObject({ runId, nodeId: 'writer', scope: '', usage: { inputTokens: expect.any(Number) }, text: 'Drafting. ' });
    expect(call).toMatchObject({ callId: expect.any(String), tool: 'publish', args: { title: 'Draft' } });
    expect(approval).toMatchObject({ callId: call.callId, tool: 'publish', args: { title: 'Draft' } });
    expect(result).toMatchObject({ callId: call.callId, tool: 'publish', toolKind: 'http', status: 'succeeded', durationMs: expect.any(Number) });
    expect(ended2).toMatchObject({ text: 'published it' });
    // The second turn ran while the client listened: its text streamed, without ids, before the turn ended.
    const streamed = agentEvents(events).filter((e) => e.data.kind === 'text' && e.data.turn === 2);
    expect(streamed.map((e) => e.data.delta).join('')).toBe('published it');
    for (const e of streamed) expect(e.id).toBeUndefined();
    expect(events.indexOf(streamed.at(-1)!)).toBeLessThan(events.indexOf(agent.at(-1)!));

    // Resume after the approval: exactly the stored events after it, none again, no text.
    const all = stored(events);
    const at = all.findIndex((e) => e.event === 'agent' && e.data.kind === 'approval_needed');
    const resumed: SseEvent[] = [];
    await readEvents(`${h.url}/api/v1/runs/${runId}/events`, ADMIN_KEY, (e) => void resumed.push(e), all[at]!.id);
    expect(resumed.map((e) => e.id)).toEqual(all.slice(at + 1).map((e) => e.id));
    expect(resumed.map((e) => e.data)).toEqual(all.slice(at + 1).map((e) => e.data));
  });

  it('stream text deltas from a provider that streams over SSE (Anthropic SDK against the fake server)', async () => {
    fake.script('announce the release', [
      { toolCalls: [{ name: 'publish', args: { title: 'v2' } }] },
      { text: 'The release v2 is published and announced to everyone who follows the project.' },
    ]);
    const def = publishing('agent-events-stream', { provider: 'anthropic', model: 'claude-haiku-4-5', prompt: 'announce the release' });
    const runId = await h.startRun(def);
    const events = await watchApproving(runId);
    const run = await h.finished(runId);
    expect(run.status).toBe('succeeded');
    const text = agentEvents(events).filter((e) => e.data.kind === 'text');
    expect(text.length).toBeGreaterThan(0);
    expect(text.filter((e) => e.data.turn === 2).map((e) => e.data.delta).join('')).toBe('The release v2 is published and announced to everyone who follows the project.');
    for (const e of text) expect(e.data).toMatchObject({ runId, nodeId: 'writer', scope: '', attempt: expect.any(Number) });
    expect(agentEvents(events).find((e) => e.data.kind === 'turn_ended' && e.data.turn === 2)?.data.usage).toEqual({ inputTokens: 10, outputTokens: 5 });
  });

  it('count turns where they run and tool calls once each where their result is stored', async () => {
    const value = async (metric: typeof toolCalls | typeof agentTurns, labels: Record<string, string>) =>
      (await metric.get()).values.find((v) => Object.entries(labels).every(([k, l]) => (v.labels as Record<string, unknown>)[k] === l))?.value ?? 0;
    // Both runs above: one approved http call each, and two turns of the Anthropic loop.
    await expect.poll(() => value(toolCalls, { kind: 'http', status: 'succeeded' })).toBe(2);
    expect(await value(agentTurns, { provider: 'anthropic', model: 'claude-haiku-4-5' })).toBe(2);
    const durations = (await toolCallDuration.get()).values.find((v) => v.metricName === 'weft_tool_call_duration_seconds_count' && v.labels.kind === 'http');
    expect(durations?.value).toBe(2);
  });
});
