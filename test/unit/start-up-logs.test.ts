import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, logDestination } from '../../src/logger.js';
import { bundlerLogger } from '../../src/runtime/temporal-logger.js';
import { bundleWorkflows } from '../../src/worker/workflow-bundle.js';

/** Every line a logger writes, parsed. */
function captured(level: string) {
  const lines: { level: number; msg: string }[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: createLogger(level, 'weft', sink), lines };
}

describe('start-up logs', () => {
  it('are pretty on a terminal and JSON otherwise, unless WEFT_LOG_FORMAT says which', () => {
    expect(logDestination(undefined, { isTTY: true })).toBeDefined();
    expect(logDestination(undefined, { isTTY: false })).toBeUndefined();
    expect(logDestination(undefined, {})).toBeUndefined();
    expect(logDestination('json', { isTTY: true })).toBeUndefined();
    expect(logDestination('pretty', { isTTY: false })).toBeDefined();
  });

  it("bundling the workflows as a worker does writes no webpack statistics at info: they are at debug, the bundler's errors stay errors", async () => {
    const info = captured('info');
    const debug = captured('debug');
    // As a worker bundles them: in a child process, its lines relayed to the worker's logger.
    const [bundle] = await Promise.all([bundleWorkflows(bundlerLogger(info.logger)), bundleWorkflows(bundlerLogger(debug.logger))]);
    expect(bundle.code.length).toBeGreaterThan(0);
    expect(info.lines).toEqual([]);
    // The statistics the bundler writes: webpack's asset and module lines, now at debug (20).
    const stats = debug.lines.find((l) => /webpack|modules by path|asset /.test(l.msg));
    expect(stats, JSON.stringify(debug.lines.map((l) => l.msg.slice(0, 80)))).toMatchObject({ level: 20 });
    bundlerLogger(info.logger).error('Webpack finished with errors');
    expect(info.lines).toMatchObject([{ level: 50, msg: 'Webpack finished with errors' }]);
  }, 120_000);
});
