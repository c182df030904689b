import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/logger.js';
import type { LogLevel } from '@temporalio/common';
import { belowLevelDropped, temporalLogger } from '../../../src/runtime/temporal-logger.js';

function captured(level: string) {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger(level, 'weft-test', { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { lines, temporal: temporalLogger(logger) };
}

describe('temporalLogger', () => {
  it("writes the SDK's lines at or above Weft's level, Temporal's runId renamed and the workflow id as runId", () => {
    const { lines, temporal } = captured('info');
    temporal.info('Workflow completed', { workflowId: 'run_1', runId: 'abc', attempt: 1 });
    temporal.warn('slow', {});
    expect(lines).toMatchObject([
      { msg: 'Workflow completed', runId: 'run_1', temporalRunId: 'abc', attempt: 1 },
      { msg: 'slow' },
    ]);
  });

  it('builds nothing for lines below the level', () => {
    const { lines, temporal } = captured('info');
    const meta = {
      get workflowId(): string {
        throw new Error('read a line below the level');
      },
    };
    temporal.debug('Activity started', meta);
    temporal.log('TRACE', 'Activity completed', meta);
    expect(lines).toEqual([]);
  });
});

describe('belowLevelDropped', () => {
  function collector() {
    const received: [LogLevel, string][] = [];
    const calls: string[] = [];
    const log = (level: LogLevel, message: string) => void received.push([level, message]);
    const inner = { log, trace: log.bind(null, 'TRACE'), debug: log.bind(null, 'DEBUG'), info: log.bind(null, 'INFO'), warn: log.bind(null, 'WARN'), error: log.bind(null, 'ERROR'), flush: () => void calls.push('flush'), close: () => void calls.push('close') };
    return { received, calls, inner };
  }

  it("hands the collector only the lines Weft's level lets through", () => {
    const { received, inner } = collector();
    const gated = belowLevelDropped(inner, createLogger('info', 'weft-test', { write: () => {} }));
    gated.trace('Got workflow activation');
    gated.debug('Activity started');
    gated.log('TRACE', 'Completing activation');
    gated.info('Workflow bundle created');
    gated.log('WARN', 'slow');
    gated.error('failed');
    expect(received).toEqual([
      ['INFO', 'Workflow bundle created'],
      ['WARN', 'slow'],
      ['ERROR', 'failed'],
    ]);
  });

  it('lets everything through at trace, and keeps the flush and close the runtime calls at shutdown', () => {
    const { received, calls, inner } = collector();
    const gated = belowLevelDropped(inner, createLogger('trace', 'weft-test', { write: () => {} })) as ReturnType<typeof belowLevelDropped> & { flush(): void; close(): void };
    gated.trace('Got workflow activation');
    gated.flush();
    gated.close();
    expect(received).toEqual([['TRACE', 'Got workflow activation']]);
    expect(calls).toEqual(['flush', 'close']);
  });
});
