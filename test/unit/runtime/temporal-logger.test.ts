import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/logger.js';
import { temporalLogger } from '../../../src/runtime/temporal-logger.js';

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
