import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runEndCriticalPath } from '../../../src/activities/run-end-critical-path.js';
import type { RunEnd } from '../../../src/activities/run-end.js';
import type { CriticalPathNode } from '../../../src/dag/critical-path.js';
import type { Definition } from '../../../src/dag/schema.js';
import { createLogger } from '../../../src/logger.js';

const definition = { apiVersion: 'weft/v1', name: 'wf', nodes: [{ id: 'a', type: 'transform', transform: {} }, { id: 'b', type: 'transform', transform: {}, needs: ['a'] }] } as unknown as Definition;
const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();

function end(runId: string, withDefinition = true): RunEnd {
  return {
    run: { id: runId } as RunEnd['run'],
    outcome: 'ended',
    definition: withDefinition ? definition : undefined,
    startedAt: at(0),
    nodes: new Map([
      ['a', { startedAt: at(1), endedAt: at(2) }],
      ['b', { startedAt: at(2), endedAt: at(5) }],
    ]) as unknown as RunEnd['nodes'],
  };
}

describe('critical paths stored at runs ends', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('go out together: the runs that end within the wait are one write, a retried finish stores its run once', async () => {
    const writes: { runId: string; nodes: CriticalPathNode[] }[][] = [];
    const record = runEndCriticalPath({ criticalPaths: { storeMany: async (paths) => void writes.push([...paths]) }, logger: createLogger('silent'), flushMs: 100 });
    record(end('run_1'));
    record(end('run_2'));
    record(end('run_1'));
    record(end('run_3', false)); // no definition at hand: computed when first asked
    expect(writes).toEqual([]);
    await vi.advanceTimersByTimeAsync(100);
    expect(writes.map((w) => w.map((p) => p.runId))).toEqual([['run_1', 'run_2']]);
    expect(writes[0]![0]!.nodes.map((n) => n.id)).toEqual(['a', 'b']);
    record(end('run_4'));
    await vi.advanceTimersByTimeAsync(100);
    expect(writes.map((w) => w.map((p) => p.runId))).toEqual([['run_1', 'run_2'], ['run_4']]);
  });

  it('a failed write is logged, never thrown at the run end', async () => {
    const warn = vi.fn();
    const logger = { ...createLogger('silent'), warn } as unknown as ReturnType<typeof createLogger>;
    const record = runEndCriticalPath({ criticalPaths: { storeMany: () => Promise.reject(new Error('database down')) }, logger, flushMs: 10 });
    expect(() => record(end('run_1'))).not.toThrow();
    await vi.advanceTimersByTimeAsync(10);
    expect(warn).toHaveBeenCalledWith(expect.objectContaining({ runIds: ['run_1'], err: 'database down' }), expect.any(String));
  });
});
