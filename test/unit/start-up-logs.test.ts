import { spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, logDestination } from '../../src/logger.js';
import { bundlerLogger } from '../../src/runtime/temporal-logger.js';
import { withWorkflowBundle } from '../../src/worker/workflow-bundle.js';

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

const ROOT = join(import.meta.dirname, '..', '..');

/**
 * A process logging `count` lines through `logDestination(format)`; then it
 * exits at once (`exit`) or stays up until killed (`stay`). Resolves with its
 * stdout: all of it, or (`stay`) the first chunk, after which it is killed.
 */
function logInChild(format: 'json' | 'pretty', count: number, then: 'exit' | 'stay'): Promise<string> {
  const script = `
    import { createLogger, logDestination } from './src/logger.ts';
    const log = createLogger('info', 'weft-test', logDestination('${format}'));
    for (let i = 0; i < ${count}; i++) log.info({ i }, 'line');
    ${then === 'exit' ? 'process.exit(0);' : 'setInterval(() => {}, 60_000);'}
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const chunks: string[] = [];
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      chunks.push(d.toString());
      if (then === 'stay') child.kill('SIGKILL');
    });
    child.once('error', reject);
    child.once('close', () => resolve(chunks.join('')));
  });
}

describe('start-up logs', () => {
  it('are pretty on a terminal and JSON otherwise, unless WEFT_LOG_FORMAT says which', () => {
    const pretty = logDestination('pretty', { isTTY: false }).constructor;
    const json = logDestination('json', { isTTY: true }).constructor;
    expect(pretty).not.toBe(json);
    expect(logDestination(undefined, { isTTY: true }).constructor).toBe(pretty);
    expect(logDestination(undefined, { isTTY: false }).constructor).toBe(json);
    expect(logDestination(undefined, {}).constructor).toBe(json);
  });

  it('JSON lines are written in batches, and every one is out when the process exits right after logging', async () => {
    const lines = (await logInChild('json', 5000, 'exit')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as { level: number; name: string; msg: string; i: number });
    expect(lines.map((l) => l.i)).toEqual(Array.from({ length: 5000 }, (_, i) => i));
    expect(lines[0]).toMatchObject({ level: 30, name: 'weft-test', msg: 'line', i: 0 });
  }, 30_000);

  it('a JSON line below the batch size is still written while the process stays up (the periodic flush)', async () => {
    // The child is killed with SIGKILL once a chunk arrives: no exit handler could have written it.
    expect(JSON.parse(await logInChild('json', 1, 'stay'))).toMatchObject({ msg: 'line', i: 0 });
  }, 30_000);

  it('pretty lines are written as they come, coloured', async () => {
    const text = await logInChild('pretty', 1, 'stay');
    expect(text).toContain('\u001b[');
    expect(text).toContain('line');
  }, 30_000);

  it("bundling the workflows as a worker does writes no webpack statistics at info: they are at debug, the bundler's errors stay errors", async () => {
    const info = captured('info');
    const debug = captured('debug');
    // As a worker bundles them: in a child process, its lines relayed to the worker's logger.
    const size = (bundle: { codePath: string }) => stat(bundle.codePath).then((s) => s.size);
    const [bytes] = await Promise.all([withWorkflowBundle(bundlerLogger(info.logger), size), withWorkflowBundle(bundlerLogger(debug.logger), size)]);
    expect(bytes).toBeGreaterThan(0);
    expect(info.lines).toEqual([]);
    // The statistics the bundler writes: webpack's asset and module lines, now at debug (20).
    const stats = debug.lines.find((l) => /webpack|modules by path|asset /.test(l.msg));
    expect(stats, JSON.stringify(debug.lines.map((l) => l.msg.slice(0, 80)))).toMatchObject({ level: 20 });
    bundlerLogger(info.logger).error('Webpack finished with errors');
    expect(info.lines).toMatchObject([{ level: 50, msg: 'Webpack finished with errors' }]);
  }, 120_000);
});
