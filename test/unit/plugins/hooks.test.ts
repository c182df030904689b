import { Writable } from 'node:stream';
import { beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/logger.js';
import { pluginHookErrors } from '../../../src/metrics/registry.js';
import type { HookEvent } from '../../../src/plugins/contract.js';
import { createHookActivities } from '../../../src/plugins/hook-activities.js';
import { HookDispatcher } from '../../../src/plugins/hook-dispatcher.js';
import { hookObserver } from '../../../src/activities/observers/hook-observer.js';
import { PluginRegistry } from '../../../src/plugins/registry.js';
import { definePlugin, type HookFunction } from '../../../src/plugins/types.js';

/** Log lines the dispatcher wrote, parsed. */
function logSink() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString('utf8')));
      done();
    },
  });
  return { lines, logger: createLogger('info', 'test', stream) };
}

async function errorCount(plugin: string, hook: string): Promise<number> {
  const metric = await pluginHookErrors.get();
  return metric.values.find((v) => v.labels.plugin === plugin && v.labels.hook === hook)?.value ?? 0;
}

const event = (over: Partial<HookEvent> = {}): HookEvent => ({ eventId: 'run_1:a:afterNode', type: 'afterNode', at: '2025-01-01T00:00:00.000Z', runId: 'run_1', workflow: 'wf', nodeId: 'a', ...over });

describe('hook dispatcher', () => {
  let seen: HookEvent[];
  let registry: PluginRegistry;
  beforeEach(() => {
    seen = [];
    const record: HookFunction = (e) => void seen.push(e);
    registry = PluginRegistry.from([
      { plugin: definePlugin({ name: 'thrower', version: '1', hooks: { afterNode: () => Promise.reject(new Error('boom')) } }), source: 'test' },
      { plugin: definePlugin({ name: 'sleeper', version: '1', hooks: { afterNode: (_e, ctx) => new Promise((r) => ctx.signal.addEventListener('abort', () => r())) } }), source: 'test' },
      { plugin: definePlugin({ name: 'recorder', version: '1', hooks: { afterNode: record, onNodeError: record, beforeNode: record } }), source: 'test' },
    ]);
  });

  it('counts and logs a throwing and a slow hook, never rethrows, and still calls the others', async () => {
    const { lines, logger } = logSink();
    const [thrown, slow] = [await errorCount('thrower', 'afterNode'), await errorCount('sleeper', 'afterNode')];
    const dispatcher = new HookDispatcher(registry, { logger, timeoutMs: 50 });
    await expect(dispatcher.deliver([event()])).resolves.toBeUndefined();
    expect(await errorCount('thrower', 'afterNode')).toBe(thrown + 1);
    expect(await errorCount('sleeper', 'afterNode')).toBe(slow + 1);
    expect(seen.map((e) => e.eventId)).toEqual(['run_1:a:afterNode']);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ plugin: 'thrower', hook: 'afterNode', eventId: 'run_1:a:afterNode', msg: 'plugin hook failed', err: expect.objectContaining({ message: 'boom' }) }),
        expect.objectContaining({ plugin: 'sleeper', hook: 'afterNode', msg: 'plugin hook timed out' }),
      ]),
    );
    // The metric's labels are plugin and hook only: no run id.
    expect(Object.keys((await pluginHookErrors.get()).values[0]!.labels).sort()).toEqual(['hook', 'plugin']);
  });

  it('a retried delivery (deliverHooks activity) carries the same event id', async () => {
    const { deliverHooks } = createHookActivities(new HookDispatcher(registry, { logger: createLogger('silent'), timeoutMs: 20 }));
    const events = [event({ type: 'onNodeError', eventId: 'run_1:a:2:onNodeError' })];
    await deliverHooks({ events });
    await deliverHooks({ events });
    expect(seen.map((e) => e.eventId)).toEqual(['run_1:a:2:onNodeError', 'run_1:a:2:onNodeError']);
  });

  it('the attempt observer: beforeNode on the first attempt only, onNodeError per failed attempt, afterNode on success', async () => {
    const observer = hookObserver(new HookDispatcher(registry, { logger: createLogger('silent'), timeoutMs: 20 }), () => new Date('2025-01-01T00:00:00Z'));
    const info = { runId: 'run_9', workflow: 'wf', nodeId: 'n', nodeType: 'http', attempt: 1, nodeAttempt: 1, fallback: null, startedAt: '2025-01-01T00:00:00.000Z' };
    await observer.started(info);
    await observer.failed(info, { type: 'HTTP_ERROR', message: 'down' }, true);
    await observer.started({ ...info, attempt: 2, nodeAttempt: 2 });
    await observer.succeeded({ ...info, attempt: 2, nodeAttempt: 2 }, { status: 200 }, null);
    expect(seen.map((e) => `${e.type} ${e.eventId}`)).toEqual(['beforeNode run_9:n:beforeNode', 'onNodeError run_9:n:1:onNodeError', 'afterNode run_9:n:afterNode']);
    expect(seen[1]).toMatchObject({ error: { type: 'HTTP_ERROR', message: 'down' }, attempt: 1, node: { id: 'n', type: 'http', status: 'retrying' } });
    expect(seen[2]).toMatchObject({ workflow: 'wf', nodeId: 'n', at: '2025-01-01T00:00:00.000Z', node: { status: 'succeeded', output: { status: 200 }, attempt: 2 } });
  });
});
