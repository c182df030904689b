import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { statMs } from '../../../bench/cpu.js';

const tick = 1000 / Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

/** A /proc/<pid>/stat line: utime 7, stime 3, cutime 20, cstime 10 ticks, after a command name with a space and parentheses. */
const line = '4242 (postgres: a (b)) S 1 4242 4242 0 -1 4194560 100 0 0 0 7 3 20 10 20 0 1 0 900 1000 50';

describe('statMs', () => {
  it("reads a process's own user and system time, whatever its command name holds", () => {
    expect(statMs(line, false)).toBeCloseTo(10 * tick);
  });

  it('adds the time of the children the process waited for, when asked', () => {
    expect(statMs(line, true)).toBeCloseTo(40 * tick);
  });
});
